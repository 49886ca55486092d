# COORDNET_GIT_SHA: the commit this build came from ("unknown" outside a git checkout).
execute_process(
  COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  OUTPUT_VARIABLE COORDNET_GIT_SHA
  OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET)
if(NOT COORDNET_GIT_SHA)
  set(COORDNET_GIT_SHA "unknown")
endif()
