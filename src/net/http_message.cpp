#include "net/http_message.h"

namespace vigie::net {

bool Request::AcceptsGzip() const {
  for (const auto& [name, value] : headers) {
    if (EqualsIgnoreCase(name, "Accept-Encoding") && HeaderHasToken(value, "gzip")) return true;
  }
  return false;
}

Result<Params> Request::Form() const {
  Params form;
  if (method == "POST" || method == "PUT" || method == "PATCH") {
    std::string_view type = headers.GetOr("Content-Type");
    type = type.substr(0, type.find(';'));
    while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
    if (EqualsIgnoreCase(type, "application/x-www-form-urlencoded")) {
      Status st = ParseUrlEncoded(body, &form);
      if (!st.ok()) return std::move(st).error().Wrap("malformed form body");
    }
  }
  form.Append(query);
  return form;
}

void Request::Clear() {
  method.clear();
  target.clear();
  path.clear();
  query.clear();
  headers.clear();
  body.clear();
  path_params.clear();
  remote_address.clear();
  http_version = 11;
  route = {};
}

void Response::Set(int status_code, std::string body_text, std::string_view content_type) {
  status = status_code;
  body = std::move(body_text);
  headers.Set("Content-Type", content_type);
}

bool Response::Write(std::string_view data) {
  if (sink_ == nullptr) {
    streaming_ = true;
    body.append(data);
    return true;
  }
  if (broken_) return false;
  if (!streaming_) {
    streaming_ = true;
    if (!sink_->BeginStream(*this)) {
      broken_ = true;
      return false;
    }
  }
  if (data.empty()) return true;
  if (!sink_->WriteStream(data)) broken_ = true;
  return !broken_;
}

void Response::Clear() {
  status = 200;
  headers.clear();
  body.clear();
  sink_ = nullptr;
  compress_ = true;
  streaming_ = false;
  broken_ = false;
}

std::string_view StatusText(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 499:
      return "Client Closed Request";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

}  // namespace vigie::net
