#include "io/key_normalise.hpp"

#include <algorithm>
#include <array>

#include "io/text_normalise.hpp"

namespace coordnet {

namespace {

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_tracking_parameter(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kTracking = {
      "fbclid", "gclid", "dclid",  "msclkid", "mc_cid",  "mc_eid",
      "igshid", "yclid", "_hsenc", "_hsmi",   "ref_src", "si"};
  const std::string lowered = lower(name);
  return lowered.starts_with("utm_") ||
         std::find(kTracking.begin(), kTracking.end(), lowered) != kTracking.end();
}

// URL split into scheme ("" when absent), host[:port], path, query (without '?').
struct UrlParts {
  std::string_view scheme, authority, path, query;
};

UrlParts split_url(std::string_view url) {
  UrlParts parts;
  if (const auto hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
  url = trim(url);
  // A scheme is not empty and ends at the first "://" before any '/' or '?'
  // ("a.com/?r=http://b" has none).
  if (const auto sep = url.find("://"); sep > 0 && sep < url.find_first_of("/?")) {
    parts.scheme = url.substr(0, sep);
    url.remove_prefix(sep + 3);
  }
  const auto path_start = url.find_first_of("/?");
  parts.authority = url.substr(0, path_start);
  if (path_start == std::string_view::npos) return parts;
  url.remove_prefix(path_start);
  const auto question = url.find('?');
  parts.path = url.substr(0, question);
  if (question != std::string_view::npos) parts.query = url.substr(question + 1);
  return parts;
}

std::string_view host_of(std::string_view authority) {
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  return authority;
}

// The length of a host without its port (":" and digits at the end, after any IPv6 "]").
std::size_t without_port(std::string_view host) {
  const auto colon = host.rfind(':');
  if (colon == std::string_view::npos || host.find(']', colon) != std::string_view::npos ||
      host.find_first_not_of("0123456789", colon + 1) != std::string_view::npos) {
    return host.size();
  }
  return colon;
}

// Drops every leading `mark` and blank and the trailing blanks ("# #Tag " -> "Tag").
std::string_view without_marks(std::string_view key, char mark) {
  while (!key.empty() && (key.front() == mark || key.front() == ' ' || key.front() == '\t')) {
    key.remove_prefix(1);
  }
  return trim(key);
}

}  // namespace

std::string normalise_url(std::string_view url) {
  const auto parts = split_url(url);
  const std::string scheme = lower(parts.scheme);
  std::string host = lower(host_of(parts.authority));
  const std::string_view default_port = scheme == "http" ? ":80" : scheme == "https" ? ":443" : "";
  host.erase(0, host.find_first_not_of(" \t"));  // blanks after a user part ("a@ b")
  while (!default_port.empty() && host.ends_with(default_port)) {
    host.erase(host.size() - default_port.size());
  }
  std::string out = scheme.empty() ? host : scheme + "://" + host;
  out += parts.path.empty() ? std::string_view("/") : parts.path;
  std::string query;
  std::string_view rest = parts.query;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto param = trim(rest.substr(0, amp));
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (param.empty() || is_tracking_parameter(param.substr(0, param.find('=')))) continue;
    query += query.empty() ? "?" : "&";
    query += param;
  }
  // Blanks before an empty or dropped query ("a.org/x ?utm_a=1") end the URL.
  return std::string(trim(out + query));
}

std::string domain_of_url(std::string_view url) {
  std::string host = lower(host_of(split_url(url).authority));
  while (true) {
    host = std::string(trim(host));
    if (const auto bare = without_port(host); bare < host.size()) {
      host.erase(bare);
    } else if (host.starts_with("www.")) {
      host.erase(0, 4);
    } else {
      return host;
    }
  }
}

std::string_view normalise_key(Layer layer, std::string_view key, std::string& scratch) {
  switch (layer) {
    case Layer::hashtag:
    case Layer::mention:
      key = without_marks(key, layer == Layer::hashtag ? '#' : '@');
      if (std::none_of(key.begin(), key.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
        return key;
      }
      scratch = lower(key);
      return scratch;
    case Layer::url:
      scratch = normalise_url(key);
      return scratch;
    case Layer::domain:
      scratch = domain_of_url(key);
      return scratch;
    case Layer::text:
    case Layer::near_text:
      scratch = normalise_text(key);
      return scratch;
    default:
      return key;
  }
}

}  // namespace coordnet
