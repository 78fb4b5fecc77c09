#include "gallery/html_page.h"

namespace vigie::gallery {

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderHomePage(const std::vector<ImageRecord>& images, int page, int per_page,
                           int64_t total) {
  std::string out =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>vigie gallery</title>"
      "<style>body{font:14px system-ui;margin:16px;background:#fafafa}"
      ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}"
      "figure{margin:0;background:#fff;border:1px solid #ddd;padding:6px}"
      "figure img{width:100%;height:160px;object-fit:cover}figcaption{font-size:12px;color:#555}"
      "</style></head><body><h1>Gallery</h1>";
  out += "<p>" + std::to_string(total) + " images</p><div class=\"grid\">";
  for (const auto& r : images) {
    std::string id = std::to_string(r.id);
    out += "<figure><a href=\"/images/" + id + "\"><img loading=\"lazy\" src=\"/images/" + id +
           "/thumb?size=200\" alt=\"" + HtmlEscape(r.name) + "\"></a><figcaption>" +
           HtmlEscape(r.name) + " · " + std::to_string(r.width) + "×" + std::to_string(r.height) +
           "</figcaption></figure>";
  }
  out += "</div><p>";
  if (page > 1) out += "<a href=\"/?page=" + std::to_string(page - 1) + "\">← newer</a> ";
  if (static_cast<int64_t>(page) * per_page < total) {
    out += "<a href=\"/?page=" + std::to_string(page + 1) + "\">older →</a>";
  }
  out += "</p></body></html>";
  return out;
}

}  // namespace vigie::gallery
