# Writes OUT, a C++ file defining hypatia::cpu::FUNC() (default scalar_math_source) as
# the text of IN (empty when IN does not exist yet), so generated modules carry the
# header verbatim.
if(NOT FUNC)
  set(FUNC scalar_math_source)
endif()
if(EXISTS "${IN}")
  file(READ "${IN}" text)
else()
  set(text "")
endif()
file(WRITE "${OUT}.tmp" "// Generated from ${NAME} by cmake/embed_text.cmake.\n#include <string_view>\nnamespace hypatia::cpu {\nstd::string_view ${FUNC}() {\n  static constexpr std::string_view text = R\"HYPATIA_EMBED(${text})HYPATIA_EMBED\";\n  return text;\n}\n}  // namespace hypatia::cpu\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
