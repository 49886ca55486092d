// StringPool (core/string_pool.hpp): strings read back as pushed, empty ones included, appended
// pools continue the numbering, and equality compares the strings in order.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/string_pool.hpp"

namespace coordnet {
namespace {

TEST(StringPool, ReadsBackWhatWasPushed) {
  const std::vector<std::string> strings = {"48603d2d930b87e7", "", "a", std::string(300, 'x'),
                                            "user639592"};
  StringPool pool;
  EXPECT_TRUE(pool.empty());
  for (const auto& s : strings) pool.push_back(s);
  ASSERT_EQ(pool.size(), strings.size());
  for (std::size_t i = 0; i < strings.size(); ++i) EXPECT_EQ(pool[i], strings[i]);

  StringPool more;
  more.push_back("b");
  more.push_back("cd");
  pool.append(more);
  ASSERT_EQ(pool.size(), strings.size() + 2);
  EXPECT_EQ(pool[strings.size()], "b");
  EXPECT_EQ(pool[strings.size() + 1], "cd");
  EXPECT_EQ(pool[0], strings[0]);
}

TEST(StringPool, EqualityComparesTheStringsInOrder) {
  StringPool a, b, c;
  for (const auto* s : {"ab", "c"}) a.push_back(s);
  for (const auto* s : {"ab", "c"}) b.push_back(s);
  for (const auto* s : {"a", "bc"}) c.push_back(s);  // the same characters, split elsewhere
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a == c);
}

}  // namespace
}  // namespace coordnet
