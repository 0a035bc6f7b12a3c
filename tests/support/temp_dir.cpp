#include "support/temp_dir.hpp"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>

namespace gmr::test {

TempDir::TempDir(std::string_view tag) {
  std::string name = "/tmp/gmr-" + std::string{tag} + "-XXXXXX";
  if (::mkdtemp(name.data()) == nullptr)
    throw std::runtime_error("mkdtemp " + name + ": " + std::strerror(errno));
  path = name;
}

TempDir::~TempDir() {
  std::error_code ignored;  // a destructor must not throw; a leftover directory in /tmp is harmless
  std::filesystem::remove_all(path, ignored);
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
  const std::filesystem::path file = path / name;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file.string());
  return file.string();
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::string text{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  if (in.bad()) throw std::runtime_error("cannot read " + path.string());
  return text;
}

}  // namespace gmr::test
