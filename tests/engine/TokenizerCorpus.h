// A deterministic corpus of varied strings for comparing tokenizers: prose with contractions, code, numbers,
// runs of white space and line breaks, emoji (with modifiers and joiners), CJK and other scripts, and mixtures.
#pragma once

#include <string>
#include <vector>

namespace mtm::test {

std::vector<std::string> tokenizerCorpus(int randomMixtures = 900);

} // namespace mtm::test
