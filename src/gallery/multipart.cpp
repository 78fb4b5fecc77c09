#include "gallery/multipart.h"

#include <algorithm>
#include <cctype>

namespace vigie::gallery {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Finds `key=value` or `key="value"` among `; `-separated header parameters.
std::string HeaderParam(std::string_view header, std::string_view key) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t semi = header.find(';', pos);
    if (semi == std::string_view::npos) return {};
    pos = semi + 1;
    std::string_view rest = Trim(header.substr(pos));
    size_t eq = rest.find('=');
    if (eq == std::string_view::npos) continue;
    if (Lower(Trim(rest.substr(0, eq))) != Lower(key)) continue;
    std::string_view v = rest.substr(eq + 1);
    if (!v.empty() && v.front() == '"') {
      std::string out;
      for (size_t i = 1; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) {
          out += v[++i];
        } else if (v[i] == '"') {
          return out;
        } else {
          out += v[i];
        }
      }
      return out;  // unterminated quote: take what is there
    }
    size_t end = v.find(';');
    return std::string(Trim(v.substr(0, end)));
  }
  return {};
}

}  // namespace

Result<std::string> MultipartBoundary(std::string_view content_type) {
  auto semi = content_type.find(';');
  if (Lower(Trim(content_type.substr(0, semi))) != "multipart/form-data") {
    return InvalidArgument("Content-Type is not multipart/form-data");
  }
  std::string b = HeaderParam(content_type, "boundary");
  if (b.empty()) return InvalidArgument("multipart/form-data without a boundary parameter");
  if (b.size() > 70) return InvalidArgument("multipart boundary longer than 70 characters");
  return b;
}

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary,
                                                  size_t max_parts) {
  if (boundary.empty()) return InvalidArgument("empty multipart boundary");
  const std::string delim = "--" + std::string(boundary);
  const std::string next_delim = "\r\n" + delim;
  std::vector<MultipartPart> parts;

  // The body starts with the first delimiter (a preamble before it is allowed and ignored).
  size_t pos = body.find(delim);
  if (pos == std::string_view::npos) return InvalidArgument("multipart body has no boundary line");
  if (pos != 0 && (pos < 2 || body.substr(pos - 2, 2) != "\r\n")) {
    return InvalidArgument("multipart boundary not at the start of a line");
  }
  pos += delim.size();
  while (true) {
    if (body.substr(pos, 2) == "--") return parts;  // closing delimiter
    // Transport padding then CRLF after the delimiter.
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") {
      return InvalidArgument("multipart delimiter not followed by CRLF at byte " +
                             std::to_string(pos));
    }
    pos += 2;
    if (parts.size() >= max_parts) {
      return InvalidArgument("multipart body has more than " + std::to_string(max_parts) +
                             " parts");
    }
    size_t hdr_end = body.find("\r\n\r\n", pos);
    // A part may have no headers at all: then it starts directly with CRLF.
    size_t content_start;
    std::string_view headers;
    if (body.substr(pos, 2) == "\r\n") {
      content_start = pos + 2;
    } else {
      if (hdr_end == std::string_view::npos) {
        return InvalidArgument("multipart part headers are not terminated by an empty line");
      }
      headers = body.substr(pos, hdr_end - pos);
      content_start = hdr_end + 4;
    }
    size_t end = body.find(next_delim, content_start);
    if (end == std::string_view::npos) {
      return InvalidArgument("multipart body ends without its closing boundary");
    }
    MultipartPart part;
    part.body = body.substr(content_start, end - content_start);
    size_t line_start = 0;
    while (line_start <= headers.size()) {
      size_t eol = headers.find("\r\n", line_start);
      std::string_view line = headers.substr(
          line_start, eol == std::string_view::npos ? std::string_view::npos : eol - line_start);
      auto colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string key = Lower(Trim(line.substr(0, colon)));
        std::string_view value = Trim(line.substr(colon + 1));
        if (key == "content-disposition") {
          part.name = HeaderParam(value, "name");
          part.filename = HeaderParam(value, "filename");
        } else if (key == "content-type") {
          part.content_type = std::string(value);
        }
      } else if (!line.empty()) {
        return InvalidArgument("malformed multipart header line (no ':')");
      }
      if (eol == std::string_view::npos) break;
      line_start = eol + 2;
    }
    parts.push_back(std::move(part));
    pos = end + next_delim.size();
  }
}

}  // namespace vigie::gallery
