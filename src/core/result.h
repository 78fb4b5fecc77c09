// Errors as values. A boundary returns Result<T> (or Status == Result<void>) whose error
// carries a message a user can act on, e.g. "config line 12: unknown key 'scrape_intervall'".
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace vigie {

// Coarse categories; callers that need to map errors (HTTP codes, exit codes) switch on these.
enum class ErrorCode {
  kInvalidArgument,  // bad input from a user or peer: malformed scrape, config, query, request
  kNotFound,
  kAlreadyExists,
  kOutOfRange,
  kUnavailable,  // transient: connection refused, timeout, overloaded
  kTimeout,
  kCanceled,
  kResourceExhausted,  // limits: sample_limit, max samples, body size
  kCorruption,         // damaged data on disk
  kIo,                 // file system or socket failure
  kUnimplemented,
  kInternal,
};

const char* ErrorCodeName(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "<context>: <message>".
  Error Wrap(std::string_view context) const {
    return Error(code_, std::string(context) + ": " + message_);
  }

 private:
  ErrorCode code_;
  std::string message_;
};

inline Error InvalidArgument(std::string msg) {
  return {ErrorCode::kInvalidArgument, std::move(msg)};
}
inline Error NotFound(std::string msg) { return {ErrorCode::kNotFound, std::move(msg)}; }
inline Error Unavailable(std::string msg) { return {ErrorCode::kUnavailable, std::move(msg)}; }
inline Error Timeout(std::string msg) { return {ErrorCode::kTimeout, std::move(msg)}; }
inline Error ResourceExhausted(std::string msg) {
  return {ErrorCode::kResourceExhausted, std::move(msg)};
}
inline Error Corruption(std::string msg) { return {ErrorCode::kCorruption, std::move(msg)}; }
inline Error IoError(std::string msg) { return {ErrorCode::kIo, std::move(msg)}; }
inline Error Unimplemented(std::string msg) { return {ErrorCode::kUnimplemented, std::move(msg)}; }
inline Error Internal(std::string msg) { return {ErrorCode::kInternal, std::move(msg)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT implicit
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT implicit

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  T value_or(T fallback) const& { return ok() ? std::get<0>(v_) : std::move(fallback); }

  const Error& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  Error&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT implicit

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& {
    assert(!ok());
    return *error_;
  }
  Error&& error() && {
    assert(!ok());
    return std::move(*error_);
  }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;
inline Status OkStatus() { return {}; }

}  // namespace vigie

// NOLINTBEGIN(bugprone-macro-parentheses): macro arguments are declarations and expressions.
#define VIGIE_CONCAT_INNER(a, b) a##b
#define VIGIE_CONCAT(a, b) VIGIE_CONCAT_INNER(a, b)

// Returns the error of a Status/Result expression from the enclosing function.
#define VIGIE_RETURN_IF_ERROR(expr)                                   \
  do {                                                                \
    auto&& vigie_status_ = (expr);                                    \
    if (!vigie_status_.ok()) return std::move(vigie_status_).error(); \
  } while (0)

// VIGIE_ASSIGN_OR_RETURN(auto x, Compute()); binds the value or returns the error.
#define VIGIE_ASSIGN_OR_RETURN(lhs, expr) \
  VIGIE_ASSIGN_OR_RETURN_IMPL(VIGIE_CONCAT(vigie_result_, __LINE__), lhs, expr)
#define VIGIE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return std::move(tmp).error();     \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
