#include "core/result.h"

namespace vigie {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid argument";
    case ErrorCode::kNotFound:
      return "not found";
    case ErrorCode::kAlreadyExists:
      return "already exists";
    case ErrorCode::kOutOfRange:
      return "out of range";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kCanceled:
      return "canceled";
    case ErrorCode::kResourceExhausted:
      return "resource exhausted";
    case ErrorCode::kCorruption:
      return "corruption";
    case ErrorCode::kIo:
      return "i/o error";
    case ErrorCode::kUnimplemented:
      return "unimplemented";
    case ErrorCode::kInternal:
      return "internal error";
  }
  return "unknown";
}

}  // namespace vigie
