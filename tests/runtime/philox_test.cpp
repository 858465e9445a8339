// Philox-4x32-10 against Random123's published known-answer vectors (kat_vectors,
// the three "philox4x32 10" lines), and the stream layout built on it.
#include <gtest/gtest.h>

#include <set>

#include "runtime/philox.hpp"

namespace hypatia::philox {
namespace {

void expect_block(Block got, std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  EXPECT_EQ(got.v[0], a);
  EXPECT_EQ(got.v[1], b);
  EXPECT_EQ(got.v[2], c);
  EXPECT_EQ(got.v[3], d);
}

TEST(Philox, KnownAnswerVectors) {
  expect_block(philox4x32_10(Block{{0, 0, 0, 0}}, 0, 0), 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u);
  expect_block(philox4x32_10(Block{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}}, 0xffffffffu, 0xffffffffu),
               0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu);
  expect_block(philox4x32_10(Block{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}}, 0xa4093822u, 0x299f31d0u),
               0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u);
}

// Element j's first words are the block at counter + j with sub-stream 0, key split
// low word first.
TEST(Philox, StreamWordsAreTheBlockOfItsElement) {
  const std::uint64_t key = 0x299f31d0a4093822ull;
  Stream s(key, 0x85a308d3243f6a88ull - 5, 5);
  const Block b = philox4x32_10(Block{{0x243f6a88u, 0x85a308d3u, 0, 0}}, 0xa4093822u, 0x299f31d0u);
  for (std::uint32_t w : b.v) EXPECT_EQ(s.next_u32(), w);
  const Block b1 = philox4x32_10(Block{{0x243f6a88u, 0x85a308d3u, 1, 0}}, 0xa4093822u, 0x299f31d0u);
  EXPECT_EQ(s.next_u32(), b1.v[0]);
}

TEST(Philox, UniformsStayInTheirIntervals) {
  Stream s(7, 0, 0);
  for (int i = 0; i < 10000; ++i) {
    const double u = s.uniform();
    const double o = s.uniform_open();
    const float f = s.uniform_float();
    ASSERT_TRUE(u >= 0 && u < 1);
    ASSERT_TRUE(o > 0 && o < 1);
    ASSERT_TRUE(f >= 0 && f < 1);
    ASSERT_LT(s.bounded(3), 3u);
  }
}

TEST(Philox, DistinctElementsAndKeysGiveDistinctWords) {
  std::set<std::uint64_t> seen;
  for (std::uint64_t key = 0; key < 4; ++key) {
    for (std::uint64_t j = 0; j < 256; ++j) seen.insert(Stream(key, 0, j).next_u64());
  }
  EXPECT_EQ(seen.size(), 4u * 256u);
}

}  // namespace
}  // namespace hypatia::philox
