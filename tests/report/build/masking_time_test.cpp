// The maskers read untrusted text up to --max-config-bytes (1 MiB by default) while the operator waits:
// each must stay linear on inputs built to make a careless scan quadratic. The bounds leave a loaded
// machine and a Debug build plenty of room; a quadratic scan of these inputs takes minutes.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "report/build/masked_text.hpp"
#include "report/build/pem_blocks.hpp"
#include "report/build/shaped_text.hpp"
#include "report/build/url_userinfo.hpp"

using namespace std::chrono_literals;

namespace {

constexpr std::size_t megabyte = 1024 * 1024;

std::string repeated(std::string_view piece, std::size_t bytes = megabyte) {
  std::string out;
  out.reserve(bytes + piece.size());
  while (out.size() < bytes) out += piece;
  return out;
}

template <typename Work>
std::chrono::steady_clock::duration time_of(Work&& work) {
  const auto started = std::chrono::steady_clock::now();
  work();
  return std::chrono::steady_clock::now() - started;
}

}  // namespace

TEST_SUITE("report::secrets") {
  // Scans that look for the next ',' or line end from each URL or span to wherever it is: memchr makes
  // them fast enough to pass unnoticed on a small input, so these inputs are 4 MiB and one line long.
  TEST_CASE("a line end or ',' is looked for only as far as the URL or span it ends") {
    const std::string urls = repeated("s://h ", 4 * megabyte);
    CHECK(time_of([&] { gmr::report::url_password_spans(urls); }) < 5s);
    const std::string queries = repeated("s://u?", 4 * megabyte);
    CHECK(time_of([&] { gmr::report::url_password_spans(queries); }) < 5s);

    const std::string line(4 * megabyte, 'x');
    std::vector<gmr::report::SecretSpan> spans;
    for (std::size_t at = 0; at + 1 < line.size(); at += 2) spans.push_back({at, at + 1, gmr::report::MaskReason::secret_key, {}});
    CHECK(time_of([&] { CHECK(gmr::report::split_at_lines(line, spans).size() == spans.size()); }) < 5s);

    const std::string keys = repeated("-----BEGIN PRIVATE KEY-----x-----END PRIVATE KEY-----", 4 * megabyte);
    CHECK(time_of([&] { CHECK(gmr::report::private_key_spans(keys).size() > 70'000); }) < 5s);
  }

  // Any masker quadratic in a megabyte of these would take minutes.
  TEST_CASE("a megabyte of every shape's worst case is masked in linear time") {
    const gmr::report::SecretMask mask(true);
    for (const std::string& text : {
             repeated("s://h "),                               // many URLs and no ',' after them
             repeated("s://u:p@h,"),                           // a password every 10 bytes of one line
             repeated("s://h,") + "u@h",                       // hosts without user information, then one with
             repeated("s://a:b,") + "@h",                      // one unencoded password holding every ','
             repeated("s://u?"),                               // a '?' that may be part of a password
             repeated("{\"password\":["),                     // JSON nesting without end
             repeated("[") + repeated("]"),                    // JSON nesting that ends
             repeated("{\"token\":\"x\"},"),                  // a secret member every 14 bytes of one line
             repeated("export OS_PASSWORD='x\n"),              // shell quotes left open
             repeated("A=1 B=$(C=\"${D:-'\n"),                 // shell words nested without end
             repeated("password:\n "),                         // YAML indentation growing every line
             "password: |\n" + repeated("  line\n"),           // one YAML block scalar
             repeated("a:\n" + std::string(64, ' ')),        // YAML keys at alternating depths
             repeated("[g]\npassword = x\n"),                  // INI groups
             repeated("x=y;pwd="),                             // a secret pair every 8 bytes of one line
             repeated("-----BEGIN RSA PRIVATE KEY-----\n"),    // PEM blocks that never end
             repeated("-----BEGIN PRIVATE KEY-----x-----END PRIVATE KEY-----"),  // PEM blocks on one line
             repeated("password "),                            // a directive line that never ends
             repeated("\"password\" "),
         }) {
      CAPTURE(text.substr(0, 24));
      CHECK(time_of([&] { gmr::report::mask_shaped_text(text, true, mask); }) < 15s);
    }
  }
}
