// Buffer::allocate keeps freed blocks of 64 KiB and more for the next allocation of
// about their size (no fresh pages to fault in for each call's large output).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hypatia/array.hpp"

namespace hypatia {
namespace {

TEST(BufferCache, FreedLargeBlockIsReusedForASimilarSize) {
  constexpr std::size_t kSize = std::size_t(3) << 20;
  const std::byte* first = nullptr;
  {
    const std::shared_ptr<Buffer> a = Buffer::allocate(kSize);
    first = a->data();
    std::memset(a->data(), 1, kSize);
  }
  const std::shared_ptr<Buffer> b = Buffer::allocate(kSize - 100);
  EXPECT_EQ(b->data(), first);
  EXPECT_EQ(b->nbytes(), kSize - 100);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b->data()) % 64, 0u);
  std::memset(b->data(), 2, b->nbytes());  // the whole size is usable (ASan checks it)
  // Less than half the kept block: a block of its own.
  const std::shared_ptr<Buffer> c = Buffer::allocate(kSize / 4);
  EXPECT_NE(c->data(), first);
}

// A (128, 512) float32 result, as an MLP's layer gives, freed and made again each
// call. Whether glibc gives such a block back to the kernel (unmaps it, or trims the
// heap under it) depends on its thresholds, which move with the process's history; the
// child process sets them to give every block back at once, the worst case, so that
// only the cache can spare the 64 fresh pages a call.
TEST(BufferCache, FreedMediumBlockIsReusedWithoutFreshPages) {
  constexpr std::size_t kSize = std::size_t(256) << 10;
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    mallopt(M_MMAP_THRESHOLD, 64 << 10);
    mallopt(M_TRIM_THRESHOLD, 0);
    const auto minor_faults = [] {
      rusage u{};
      getrusage(RUSAGE_SELF, &u);
      return u.ru_minflt;
    };
    const auto call = [&](int fill) {
      const std::shared_ptr<Buffer> a = Buffer::allocate(kSize);
      std::memset(a->data(), fill, kSize);
    };
    call(1);
    const long before = minor_faults();
    for (int i = 0; i < 20; ++i) call(i);
    _exit(minor_faults() - before < 20 ? 0 : 1);  // 1,280 faults when every block is fresh
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "freed 256 KiB blocks came back as fresh pages";
}

TEST(BufferCache, SmallAndHugeBlocksAndThreads) {
  for (std::size_t size : {std::size_t(0), std::size_t(1), std::size_t(1000), (std::size_t(64) << 10) - 1,
                           (std::size_t(1) << 20) - 1,
                           std::size_t(300) << 20}) {
    const std::shared_ptr<Buffer> a = Buffer::allocate(size);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a->data()) % 64, 0u);
    if (size > 0) {
      std::memset(a->data(), 3, std::min<std::size_t>(size, std::size_t(1) << 20));
      a->data()[size - 1] = std::byte{3};
    }
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 50; ++i) {
        const std::size_t size = (std::size_t(1) << 20) + std::size_t(t * 4096 + i * 64);
        const std::shared_ptr<Buffer> a = Buffer::allocate(size);
        std::memset(a->data(), t, size);
        EXPECT_EQ(static_cast<int>(a->data()[size - 1]), t);
      }
    });
  }
  for (std::thread& th : threads) th.join();
}

}  // namespace
}  // namespace hypatia
