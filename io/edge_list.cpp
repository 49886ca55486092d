#include "io/edge_list.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <string_view>

#include "core/errors.hpp"
#include "core/exchange.hpp"
#include "core/hash.hpp"
#include "io/hdf5_file.hpp"

namespace coordnet {

namespace {

bool is_hdf5(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open " + path);
  char signature[8] = {};
  in.read(signature, sizeof(signature));
  return in.gcount() == 8 && std::memcmp(signature, "\x89HDF\r\n\x1a\n", 8) == 0;
}

// ---- HDF5 ----

template <class T>
std::vector<T> read_slice(hid_t file, const char* name, hid_t type, std::uint64_t offset,
                          std::uint64_t count) {
  H5Id dataset(H5Dopen2(file, name, H5P_DEFAULT), H5Dclose, name);
  H5Id space(H5Dget_space(dataset.get()), H5Sclose, "H5Dget_space");
  const hsize_t start = offset, n = count;
  h5_check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, &start, nullptr, &n, nullptr),
           "H5Sselect_hyperslab");
  H5Id memory(H5Screate_simple(1, &n, nullptr), H5Sclose, "H5Screate_simple");
  std::vector<T> values(count);
  h5_check(H5Dread(dataset.get(), type, memory.get(), space.get(), H5P_DEFAULT, values.data()),
           name);
  return values;
}

std::uint64_t dataset_length(hid_t file, const char* name) {
  H5Id dataset(H5Dopen2(file, name, H5P_DEFAULT), H5Dclose, name);
  H5Id space(H5Dget_space(dataset.get()), H5Sclose, "H5Dget_space");
  hsize_t n = 0;
  h5_check(H5Sget_simple_extent_dims(space.get(), &n, nullptr), "H5Sget_simple_extent_dims");
  return n;
}

EdgeList read_hdf5_edges(const std::string& path, const Comm& comm) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  H5Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "H5Pcreate");
  h5_check(H5Pset_fapl_mpio(fapl.get(), comm.native(), MPI_INFO_NULL), "H5Pset_fapl_mpio");
  H5Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose, path.c_str());
  const auto n_edges = dataset_length(file.get(), "/edges/src");
  const auto r = static_cast<std::uint64_t>(comm.rank());
  const auto p = static_cast<std::uint64_t>(comm.size());
  const auto begin = n_edges * r / p, end = n_edges * (r + 1) / p;
  const auto src =
      read_slice<std::uint64_t>(file.get(), "/edges/src", H5T_NATIVE_UINT64, begin, end - begin);
  const auto dst =
      read_slice<std::uint64_t>(file.get(), "/edges/dst", H5T_NATIVE_UINT64, begin, end - begin);
  const auto weight =
      read_slice<double>(file.get(), "/edges/weight", H5T_NATIVE_DOUBLE, begin, end - begin);
  EdgeList list;
  std::uint64_t n_vertices = 0;
  for (std::size_t i = 0; i < src.size(); ++i) {
    list.edges.push_back({src[i], dst[i], weight[i]});
    n_vertices = std::max({n_vertices, src[i] + 1, dst[i] + 1});
  }
  n_vertices = comm.allreduce(n_vertices, ReduceOp::max);
  if (H5Lexists(file.get(), "/accounts", H5P_DEFAULT) > 0 &&
      H5Lexists(file.get(), "/accounts/id", H5P_DEFAULT) > 0) {
    n_vertices = std::max(n_vertices, dataset_length(file.get(), "/accounts/id"));
  }
  for (std::uint64_t k = 0; k <= p; ++k) list.first_vertex_by_rank.push_back(n_vertices * k / p);
  return list;
}

// ---- CSV ----

struct TextEdge {
  std::string_view src, dst;
  double weight;
};

std::string_view unquote(std::string_view field) {
  if (field.size() >= 2 && field.front() == '"' && field.back() == '"') {
    return field.substr(1, field.size() - 2);
  }
  return field;
}

bool is_header(std::string_view a, std::string_view b) {
  const auto lower = [](std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  return (lower(a) == "src" && lower(b) == "dst") || (lower(a) == "source" && lower(b) == "target");
}

// The text of the lines that start in this rank's byte range.
std::string read_my_lines(const std::string& path, const Comm& comm) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open " + path);
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::uint64_t>(in.tellg());
  const auto r = static_cast<std::uint64_t>(comm.rank());
  const auto p = static_cast<std::uint64_t>(comm.size());
  auto begin = size * r / p;
  const auto end = size * (r + 1) / p;
  // A line belongs to the rank whose range holds its first byte.
  std::string text;
  const auto read_from = [&](std::uint64_t from, std::uint64_t count) {
    std::string chunk(count, '\0');
    in.clear();
    in.seekg(static_cast<std::streamoff>(from));
    in.read(chunk.data(), static_cast<std::streamsize>(count));
    chunk.resize(static_cast<std::size_t>(in.gcount()));
    return chunk;
  };
  if (begin > 0) {
    const auto before = read_from(begin - 1, 1);
    if (before != "\n") {
      // Skip the rest of a line that started on the previous rank.
      for (;;) {
        const auto chunk = read_from(begin, 1 << 16);
        if (chunk.empty()) return text;
        const auto nl = chunk.find('\n');
        if (nl != std::string::npos) {
          begin += nl + 1;
          break;
        }
        begin += chunk.size();
      }
    }
  }
  if (begin >= end) return text;
  text = read_from(begin, end - begin);
  if (!text.empty() && text.back() != '\n') {
    for (auto at = end;;) {
      const auto chunk = read_from(at, 1 << 16);
      if (chunk.empty()) break;
      const auto nl = chunk.find('\n');
      text.append(chunk, 0, nl == std::string::npos ? chunk.size() : nl + 1);
      if (nl != std::string::npos) break;
      at += chunk.size();
    }
  }
  return text;
}

std::vector<TextEdge> parse_lines(std::string_view text, bool first_line_of_file,
                                  const std::string& path) {
  std::vector<TextEdge> edges;
  bool first = first_line_of_file;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const bool header_candidate = first;
    first = false;
    if (line.empty()) continue;
    const auto c1 = line.find(',');
    if (c1 == std::string_view::npos)
      throw DataError(path + ": line without a comma: " + std::string(line));
    const auto c2 = line.find(',', c1 + 1);
    const auto src = unquote(line.substr(0, c1));
    const auto dst = unquote(
        line.substr(c1 + 1, c2 == std::string_view::npos ? std::string_view::npos : c2 - c1 - 1));
    if (header_candidate && is_header(src, dst)) continue;
    double weight = 1.0;
    if (c2 != std::string_view::npos) {
      const auto field = unquote(line.substr(c2 + 1));
      const auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), weight);
      if (ec != std::errc{} || ptr != field.data() + field.size()) {
        throw DataError(path + ": bad weight in line: " + std::string(line));
      }
    }
    if (src.empty() || dst.empty())
      throw DataError(path + ": empty vertex id in line: " + std::string(line));
    edges.push_back({src, dst, weight});
  }
  return edges;
}

// Numbers the distinct ids of all ranks in hash order; returns the index of each local distinct
// id and fills the block layout and this rank's ids. Two ids with one hash are described in
// `collision` (the caller fails on every rank).
std::vector<std::uint64_t> intern(const std::vector<std::string>& distinct, const Comm& comm,
                                  EdgeList& list, std::string& collision) {
  std::vector<std::uint32_t> owners(distinct.size());
  for (std::size_t i = 0; i < distinct.size(); ++i) {
    owners[i] = static_cast<std::uint32_t>(owner_of_hash(hash_string(distinct[i]), comm.size()));
  }
  auto received = exchange_strings(distinct, owners, comm);
  struct Keyed {
    std::uint64_t hash;
    std::uint32_t index;
  };
  std::vector<Keyed> keyed(received.strings.size());
  for (std::size_t i = 0; i < keyed.size(); ++i) {
    keyed[i] = {hash_string(received.strings[i]), static_cast<std::uint32_t>(i)};
  }
  std::sort(keyed.begin(), keyed.end(), [&](const Keyed& a, const Keyed& b) {
    return a.hash != b.hash ? a.hash < b.hash
                            : received.strings[a.index] < received.strings[b.index];
  });
  std::vector<std::uint64_t> local_number(keyed.size());
  std::uint64_t count = 0;
  for (std::size_t i = 0; i < keyed.size(); ++i) {
    const auto& s = received.strings[keyed[i].index];
    if (i == 0 || s != received.strings[keyed[i - 1].index]) {
      if (i > 0 && keyed[i].hash == keyed[i - 1].hash) {
        collision = "vertex ids '" + s + "' and '" + received.strings[keyed[i - 1].index] +
                    "' have the same 64-bit hash";
      }
      list.vertex_ids.push_back(s);
      ++count;
    }
    local_number[keyed[i].index] = count - 1;
  }
  const auto first = comm.exscan_sum(count);
  for (auto& n : local_number) n += first;
  const auto firsts = comm.allgather(first);
  list.first_vertex_by_rank.assign(firsts.begin(), firsts.end());
  list.first_vertex_by_rank.push_back(comm.allreduce(count, ReduceOp::sum));
  const auto numbers = comm.alltoallv<std::uint64_t>(local_number, received.counts_by_source).data;
  // exchange_strings sent the ids grouped by owner, stably: undo that order.
  const auto order = order_by_owner(
      distinct.size(), [&](std::size_t i) { return owners[i]; }, comm.size());
  std::vector<std::uint64_t> index(distinct.size());
  for (std::size_t k = 0; k < order.order.size(); ++k) index[order.order[k]] = numbers[k];
  return index;
}

EdgeList read_csv_edges(const std::string& path, const Comm& comm) {
  std::vector<TextEdge> text_edges;
  std::string text;
  std::exception_ptr failure;
  try {
    text = read_my_lines(path, comm);
    // Only the rank whose range starts at byte 0 can see the header.
    text_edges = parse_lines(text, comm.rank() == 0, path);
  } catch (...) {
    failure = std::current_exception();
  }
  comm.throw_if_any_failed(failure);
  absl::flat_hash_map<std::string_view, std::uint32_t> distinct_index;
  std::vector<std::string> distinct;
  std::vector<std::uint32_t> ends;
  ends.reserve(2 * text_edges.size());
  for (const auto& e : text_edges) {
    for (auto id : {e.src, e.dst}) {
      const auto [it, inserted] =
          distinct_index.try_emplace(id, static_cast<std::uint32_t>(distinct.size()));
      if (inserted) distinct.emplace_back(id);
      ends.push_back(it->second);
    }
  }
  EdgeList list;
  std::string collision;
  const auto index = intern(distinct, comm, list, collision);
  if (!collision.empty()) failure = std::make_exception_ptr(DataError(collision));
  comm.throw_if_any_failed(failure);
  list.edges.reserve(text_edges.size());
  for (std::size_t i = 0; i < text_edges.size(); ++i) {
    list.edges.push_back({index[ends[2 * i]], index[ends[2 * i + 1]], text_edges[i].weight});
  }
  return list;
}

}  // namespace

EdgeList read_edge_list(const std::string& path, const Comm& comm) {
  std::exception_ptr failure;
  bool hdf5 = false;
  try {
    hdf5 = is_hdf5(path);
  } catch (...) {
    failure = std::current_exception();
  }
  comm.throw_if_any_failed(failure);
  return hdf5 ? read_hdf5_edges(path, comm) : read_csv_edges(path, comm);
}

}  // namespace coordnet
