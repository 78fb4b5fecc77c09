// ParseAll: groups the streaming parser's entries into metric families.
#include "expfmt/parser.h"

namespace vigie::expfmt {

Result<std::vector<MetricFamily>> ParseAll(std::string_view input, Format format) {
  std::vector<MetricFamily> families;
  Parser parser(input, format);
  // The family metadata was declared for; samples may join it while their names fit its type.
  MetricFamily* current = nullptr;
  auto start_family = [&](std::string_view name) {
    families.push_back(MetricFamily{std::string(name), MetricType::kUnknown, {}, {}, {}, {}});
    current = &families.back();
  };
  for (;;) {
    VIGIE_ASSIGN_OR_RETURN(Entry entry, parser.Next());
    switch (entry) {
      case Entry::kEof:
        return families;
      case Entry::kComment:
        break;
      case Entry::kHelp:
      case Entry::kType:
      case Entry::kUnit:
        if (current == nullptr || current->name != parser.MetricName() ||
            !current->samples.empty()) {
          start_family(parser.MetricName());
        }
        if (entry == Entry::kHelp) current->help.assign(parser.Help());
        if (entry == Entry::kType) current->type = parser.Type();
        if (entry == Entry::kUnit) current->unit.assign(parser.Unit());
        break;
      case Entry::kSeries: {
        if (current == nullptr ||
            !IsSampleOfFamily(parser.MetricName(), current->name, current->type)) {
          start_family(parser.MetricName());
        }
        Sample sample;
        parser.FillLabels(&sample.labels);
        sample.value = parser.Value();
        sample.timestamp_ms = parser.TimestampMs();
        current->samples.push_back(std::move(sample));
        break;
      }
    }
  }
}

}  // namespace vigie::expfmt
