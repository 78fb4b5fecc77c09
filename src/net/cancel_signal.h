// A cancellation signal for HTTP client requests, set from another thread. The client's waits
// on the request's socket also wait on the signal's descriptor, so a cancelled request ends at
// once and an idle one (an endless stream) sleeps until data or cancellation, with no periodic
// wake-up to look at a flag.
#pragma once

#include <atomic>

namespace vigie::net {

class CancelSignal {
 public:
  CancelSignal();
  ~CancelSignal();
  CancelSignal(const CancelSignal&) = delete;
  CancelSignal& operator=(const CancelSignal&) = delete;

  // Cancels every request waiting on it now or later; cannot be undone.
  void Set();
  bool is_set() const { return set_.load(); }
  // Readable once set; -1 when no eventfd could be made (waits then look at is_set() every
  // 100 ms instead).
  int fd() const { return fd_; }

 private:
  std::atomic<bool> set_{false};
  int fd_;
};

}  // namespace vigie::net
