#include "collect/cgroup/kernel_read.h"

#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <string_view>

#if VIGIE_HAVE_LIBURING
#include <liburing.h>
#endif

namespace vigie::collect::cgroup {

namespace {

constexpr size_t kInitialScratch = 16384;
constexpr size_t kMaxFileBytes = 64 << 20;  // bounds memory should a file never end
// Reads in flight per io_uring_enter. Each enter costs a few microseconds in a VM; a whole
// scrape's reads (~7 per container) in a few of them.
constexpr unsigned kRingEntries = 256;
constexpr size_t kSlotSize = 4096;   // the most a first read asks; longer files are finished
                                     // with pread
constexpr size_t kGrowthRoom = 512;  // asked beyond a list's previous length (cgroup.procs)
constexpr size_t kAlign = 64;        // each read's room starts on its own cache line

// Continues a read that has `used` bytes in `scratch` until the end of the file.
int FinishRead(int fd, std::vector<char>* scratch, size_t used, std::string* out) {
  while (true) {
    if (scratch->size() - used < 4096) {
      if (scratch->size() >= kMaxFileBytes) return EFBIG;
      scratch->resize(std::max(scratch->size() * 2, used + 4096));
    }
    size_t asked = scratch->size() - used;
    ssize_t n = ::pread(fd, scratch->data() + used, asked, static_cast<off_t>(used));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    used += static_cast<size_t>(n);
    if (ReadReachedEnd(static_cast<size_t>(n), asked)) break;
  }
  out->assign(scratch->data(), used);
  return 0;
}

}  // namespace

int ReadWholeFile(int fd, std::vector<char>* scratch, std::string* out) {
  if (scratch->size() < kInitialScratch) scratch->resize(kInitialScratch);
  return FinishRead(fd, scratch, 0, out);
}

#if VIGIE_HAVE_LIBURING

struct ReadBatch::Ring {
  io_uring ring{};
  ~Ring() { io_uring_queue_exit(&ring); }
};

std::unique_ptr<ReadBatch> ReadBatch::Create() {
  auto ring = std::make_unique<Ring>();
  if (io_uring_queue_init(kRingEntries, &ring->ring, 0) < 0) return nullptr;
  return std::unique_ptr<ReadBatch>(new ReadBatch(std::move(ring)));
}

namespace {

// The key of the last line of `text`, which ends with a line break: up to its first space, or
// nothing for a line without one (a single value).
std::string_view LastLineKey(std::string_view text) {
  std::string_view body = text.substr(0, text.size() - 1);
  size_t start = body.rfind('\n');
  std::string_view line = start == std::string_view::npos ? body : body.substr(start + 1);
  size_t space = line.find(' ');
  return space == std::string_view::npos ? std::string_view() : line.substr(0, space);
}

// Whether `now`, a read that filled exactly the previous content's length, is the whole file:
// see ReadBatch::Item::fixed_lines. Only the last lines are looked at (counting every line of
// both would cost more than the kernel's retry it saves): the file's keys come in a fixed order
// and its last one appears once, so a complete line with that key is the file's last line.
bool SameLines(std::string_view now, std::string_view before) {
  if (now.empty() || now.back() != '\n' || before.empty() || before.back() != '\n') return false;
  return LastLineKey(now) == LastLineKey(before);
}

// What a read asks for: exactly the previous content's length for a file with fixed lines, the
// previous length with room to grow for others, a slot for a file not read yet.
unsigned AskFor(const ReadBatch::Item& it) {
  const std::string& before = *it.out;
  if (before.empty() || before.size() >= kSlotSize) return kSlotSize;
  if (it.fixed_lines && before.back() == '\n') return static_cast<unsigned>(before.size());
  return static_cast<unsigned>(std::min(kSlotSize, before.size() + kGrowthRoom));
}

}  // namespace

bool ReadBatch::RunChunk(Item* items, size_t n) {
  // Each read gets the room it asks for, side by side: a few hundred kilobytes for hundreds of
  // files of a few hundred bytes, not a page each.
  asked_.resize(n);
  offsets_.resize(n);
  size_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    asked_[i] = AskFor(items[i]);
    offsets_[i] = total;
    total += (asked_[i] + kAlign - 1) / kAlign * kAlign;
  }
  if (buffer_.size() < total) buffer_.resize(total);
  for (size_t i = 0; i < n; ++i) {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_->ring);
    if (sqe == nullptr) return false;  // cannot happen: the ring holds kRingEntries
    io_uring_prep_read(sqe, items[i].fd, buffer_.data() + offsets_[i], asked_[i], 0);
    io_uring_sqe_set_data64(sqe, i);
  }
  int ret;
  do {
    ret = io_uring_submit_and_wait(&ring_->ring, static_cast<unsigned>(n));
  } while (ret == -EINTR);
  if (ret < 0) return false;
  size_t reaped = 0;
  while (reaped < n) {
    io_uring_cqe* cqe = nullptr;
    int w = io_uring_wait_cqe(&ring_->ring, &cqe);
    if (w == -EINTR) continue;
    if (w < 0) return false;
    size_t i = io_uring_cqe_get_data64(cqe);
    int res = cqe->res;
    io_uring_cqe_seen(&ring_->ring, cqe);
    ++reaped;
    if (i >= n) continue;
    Item& it = items[i];
    if (res < 0) {
      it.error = -res;
      continue;
    }
    const char* data = buffer_.data() + offsets_[i];
    auto got = static_cast<size_t>(res);
    size_t asked = asked_[i];
    bool exact = it.fixed_lines && asked < kSlotSize && got == asked;
    bool whole =
        exact ? SameLines(std::string_view(data, got), *it.out) : ReadReachedEnd(got, asked);
    if (whole) {
      it.out->assign(data, got);
      it.error = 0;
    } else {  // longer than asked: finish with pread
      if (scratch_.size() < kInitialScratch) scratch_.resize(kInitialScratch);
      std::copy(data, data + got, scratch_.data());
      it.error = FinishRead(it.fd, &scratch_, got, it.out);
    }
  }
  return true;
}

#else  // no liburing at build time: file by file

struct ReadBatch::Ring {};

std::unique_ptr<ReadBatch> ReadBatch::Create() { return nullptr; }

bool ReadBatch::RunChunk(Item*, size_t) { return false; }

#endif

ReadBatch::ReadBatch(std::unique_ptr<Ring> ring) : ring_(std::move(ring)) {}

ReadBatch::~ReadBatch() = default;

bool ReadBatch::Run(std::vector<Item>* items) {
  if (items->empty()) return true;
  for (size_t start = 0; start < items->size(); start += kRingEntries) {
    size_t n = std::min<size_t>(kRingEntries, items->size() - start);
    if (!RunChunk(items->data() + start, n)) {
      for (size_t i = start; i < items->size(); ++i) (*items)[i].error = EIO;
      return false;
    }
  }
  return true;
}

}  // namespace vigie::collect::cgroup
