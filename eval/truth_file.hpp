// The truth file of planted campaigns: CSV with columns account_id and campaign (found by
// header name, other columns ignored), as `coordnet generate` writes it. A campaign of -1 or
// an empty cell marks an organic account.
#pragma once

#include <string>
#include <vector>

namespace coordnet::eval {

struct Truth {
  std::vector<std::string> campaign_names;  // numeric names in numeric order, then the others
  std::vector<std::string> accounts;        // in file order
  std::vector<int> campaign;                // per account: index into campaign_names, or -1
};

// Throws IoError when the file cannot be read, DataError when it is malformed.
Truth read_truth(const std::string& path);

}  // namespace coordnet::eval
