#include "net/signals.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <thread>

namespace vigie::net {
namespace {

TEST(SignalWaiter, ReportsReloadAndTerminate) {
  SignalWaiter waiter;
  EXPECT_FALSE(waiter.Wait(std::chrono::milliseconds(10)).has_value());
  ASSERT_EQ(::raise(SIGHUP), 0);
  EXPECT_EQ(waiter.Wait(), ProcessSignal::kReload);
  ASSERT_EQ(::raise(SIGTERM), 0);
  EXPECT_EQ(waiter.Wait(), ProcessSignal::kTerminate);
  ASSERT_EQ(::raise(SIGINT), 0);
  EXPECT_EQ(waiter.Wait(), ProcessSignal::kTerminate);
}

TEST(SignalWaiter, WaitForShutdownCallsReloadUntilTerminate) {
  SignalWaiter waiter;
  int reloads = 0;
  std::thread sender([] { ::kill(::getpid(), SIGHUP); });
  waiter.WaitForShutdown([&] {
    // Signals of different numbers may be delivered in any order: terminate only after the
    // reload was seen.
    if (++reloads == 1) ::kill(::getpid(), SIGTERM);
  });
  sender.join();
  EXPECT_EQ(reloads, 1);
}

}  // namespace
}  // namespace vigie::net
