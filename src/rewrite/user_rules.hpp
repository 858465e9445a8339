// The rules users register (hypatia/rewrite.hpp, register_rewrite), kept beside the
// built-in RuleBook.
#pragma once

#include <memory>
#include <vector>

#include "rewrite/rule.hpp"

namespace hypatia::rewrite {

// The user rules now, in registration order; a snapshot that later registrations
// leave alone.
std::shared_ptr<const std::vector<Rule>> user_rules();

}  // namespace hypatia::rewrite
