// FileText (io/input_files.hpp): the mapped text stays readable after its pages are released.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "io/input_files.hpp"

namespace coordnet {
namespace {

TEST(FileText, ReleasedPagesReadBackUnchanged) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("coordnet-filetext-" + std::to_string(::getpid()) + ".csv");
  std::string content;
  for (int i = 0; content.size() < (std::size_t{3} << 20); ++i) {
    content += "key" + std::to_string(i) + ",account" + std::to_string(i % 977) + "\n";
  }
  std::ofstream(path, std::ios::binary) << content;
  {
    FileText text(InputFile{path.string(), content.size(), false});
    ASSERT_EQ(text.text(), content);
    text.release_before(content.size() / 2 + 123);
    EXPECT_EQ(text.text(), content);             // the released half pages back in from the file
    text.release_before(content.size() / 4);     // behind what is released: nothing to do
    text.release_before(content.size() + 4096);  // past the end: up to the last whole page
    EXPECT_EQ(text.text(), content);
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace coordnet
