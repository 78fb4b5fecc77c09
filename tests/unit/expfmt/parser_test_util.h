// Renders what the streaming parser sees as one line per entry, for table-driven tests.
#pragma once

#include <string>
#include <string_view>

#include "expfmt/parser.h"
#include "expfmt/writer.h"

namespace vigie::expfmt::testing {

// "help NAME TEXT" / "type NAME TYPE" / "unit NAME UNIT" / "comment TEXT" /
// "series LABELS VALUE [@TS]" lines joined by '\n', or "error: MESSAGE".
inline std::string Dump(std::string_view input, Format format) {
  Parser p(input, format);
  std::string out;
  for (;;) {
    auto entry = p.Next();
    if (!entry.ok()) return out + "error: " + entry.error().message();
    switch (*entry) {
      case Entry::kEof:
        return out;
      case Entry::kHelp:
        out += "help " + std::string(p.MetricName()) + " " + std::string(p.Help());
        break;
      case Entry::kType:
        out += "type " + std::string(p.MetricName()) + " " +
               std::string(MetricTypeName(p.Type(), format == Format::kOpenMetrics1));
        break;
      case Entry::kUnit:
        out += "unit " + std::string(p.MetricName()) + " " + std::string(p.Unit());
        break;
      case Entry::kComment:
        out += "comment " + std::string(p.Comment());
        break;
      case Entry::kSeries: {
        Labels labels;
        p.FillLabels(&labels);
        out += "series " + labels.ToString() + " ";
        AppendFloat(&out, p.Value());
        if (auto ts = p.TimestampMs()) out += " @" + std::to_string(*ts);
        break;
      }
    }
    out += "\n";
  }
}

}  // namespace vigie::expfmt::testing
