# cmake -DTHREEGATE_BIN=<binary> -DOUTPUT=<file> -P write_rules_doc.cmake
# Writes the rules reference (`threegate rules --format markdown`) to OUTPUT.
execute_process(COMMAND "${THREEGATE_BIN}" rules --format markdown
                OUTPUT_FILE "${OUTPUT}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "threegate rules --format markdown failed: ${rc}")
endif()
