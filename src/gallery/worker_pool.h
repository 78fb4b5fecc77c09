// A fixed pool of worker threads for CPU-heavy work (decoding uploads, rendering thumbnails).
// Its size (--workers) is one of the knobs that decides where the gallery's bottleneck lands;
// queue length and busy workers are exported as metrics.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace vigie::gallery {

class WorkerPool {
 public:
  explicit WorkerPool(int threads) {
    for (int i = 0; i < std::max(1, threads); ++i) {
      threads_.emplace_back([this] { Loop(); });
    }
  }
  ~WorkerPool() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  WorkerPool(const WorkerPool&) = delete;

  // Runs `fn` on a worker; the caller waits on the future.
  template <typename Fn>
  auto Submit(Fn fn) -> std::future<decltype(fn())> {
    auto task = std::make_shared<std::packaged_task<decltype(fn())()>>(std::move(fn));
    auto fut = task->get_future();
    {
      std::lock_guard lock(mu_);
      queue_.emplace_back([task] { (*task)(); });
      queued_.store(static_cast<int>(queue_.size()), std::memory_order_relaxed);
    }
    cv_.notify_one();
    return fut;
  }

  int queued() const { return queued_.load(std::memory_order_relaxed); }
  int busy() const { return busy_.load(std::memory_order_relaxed); }
  int size() const { return static_cast<int>(threads_.size()); }

 private:
  void Loop() {
    while (true) {
      std::function<void()> job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping and drained
        job = std::move(queue_.front());
        queue_.pop_front();
        queued_.store(static_cast<int>(queue_.size()), std::memory_order_relaxed);
      }
      busy_.fetch_add(1, std::memory_order_relaxed);
      job();
      busy_.fetch_sub(1, std::memory_order_relaxed);
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // GUARDED_BY(mu_)
  bool stopping_ = false;                    // GUARDED_BY(mu_)
  std::atomic<int> queued_{0};
  std::atomic<int> busy_{0};
  std::vector<std::thread> threads_;
};

}  // namespace vigie::gallery
