# Run at build time (cmake -P) by the etl_docs target of cmake/Packaging.cmake, after the binary
# BIN is linked. From the binary's own --help (the program's and every command's) and --version
# it writes into OUT:
#   walmart-etl.1.gz               the man page (help2man, every command's help as a section)
#   walmart-etl.bash-completion    completion of the commands, their options and file arguments
#   version.txt                    the version `BIN --version` prints: the package's version
#   changelog.gz                   the package's changelog entry for that version
# so none of them can drift from the program. MAINTAINER signs the changelog entry. SRC is the
# source tree (for the commit's date, which dates the man page and the changelog: the same commit
# gives the same files).

cmake_minimum_required(VERSION 3.25)

function(run_bin out_var)
  execute_process(COMMAND ${BIN} ${ARGN} OUTPUT_VARIABLE text ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "walmart-etl ${ARGN} failed (${rc}): ${err}")
  endif()
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

function(gzip_file path)
  execute_process(COMMAND gzip -9nf ${path} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip ${path} failed")
  endif()
endfunction()

# Text as roff without filling: backslashes escaped, no line read as a request.
function(roff_literal out_var text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

# The options of one help text: "NAMES|TYPE" entries ("-c --config|PATH"; TYPE empty for a flag).
function(options_of out_var text)
  string(REPLACE ";" "," text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(result "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^  (-[^ ]+)( ([A-Z][A-Z0-9_:=]*))?")
      string(REPLACE "," " " names "${CMAKE_MATCH_1}")
      list(APPEND result "${names}|${CMAKE_MATCH_3}")
    endif()
  endforeach()
  set(${out_var} "${result}" PARENT_SCOPE)
endfunction()

file(MAKE_DIRECTORY ${OUT})
# A sanitizer build (-DETL_ENABLE_ASAN=ON) must not fail here on what LeakSanitizer says at exit.
set(ENV{ASAN_OPTIONS} "detect_leaks=0")

# The commit's date (SOURCE_DATE_EPOCH: help2man dates the page with it).
execute_process(COMMAND git -C ${SRC} log -1 --format=%ct OUTPUT_VARIABLE epoch
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR epoch STREQUAL "")
  string(TIMESTAMP epoch "%s" UTC)
endif()
set(ENV{SOURCE_DATE_EPOCH} ${epoch})

run_bin(version_text --version)
if(NOT version_text MATCHES "^walmart-etl ([^\n]+)")
  message(FATAL_ERROR "walmart-etl --version printed no version line: ${version_text}")
endif()
set(version "${CMAKE_MATCH_1}")
file(WRITE ${OUT}/version.txt "${version}\n")

# The commands, from the program's help ("Subcommands:" then "  name   description" lines).
run_bin(main_help --help)
string(REGEX MATCH "\nSubcommands:\n.*" section "${main_help}")
string(REPLACE "\n" ";" section_lines "${section}")
set(commands "")
foreach(line IN LISTS section_lines)
  if(line MATCHES "^  ([a-z][a-z0-9-]*)( |$)")
    list(APPEND commands ${CMAKE_MATCH_1})
  endif()
endforeach()
if(commands STREQUAL "")
  message(FATAL_ERROR "no command found in walmart-etl --help:\n${main_help}")
endif()

# The man page: help2man's NAME, SYNOPSIS, DESCRIPTION and OPTIONS from the program's help, then a
# COMMANDS section holding each command's help as printed, then where the package puts things.
set(include "[NAME]\nwalmart-etl \\- Walmart Marketplace orders into MySQL through Kafka\n")
string(APPEND include "[COMMANDS]\n")
foreach(cmd IN LISTS commands)
  run_bin(help ${cmd} --help)
  set(help_${cmd} "${help}")
  roff_literal(literal "${help}")
  string(APPEND include ".SS ${cmd}\n.nf\n${literal}.fi\n")
endforeach()
string(APPEND include "[FILES]
.TP
.I /etc/walmart-etl/config.yml
The configuration of the installed units (no secrets). Every key, its default and meaning:
.B walmart-etl check-config --keys
and
.IR /usr/share/walmart-etl/config.example.yml .
.TP
.I /etc/walmart-etl/env
The secrets, as WALMART_ETL_<SECTION>__<KEY>=value lines (mode 0600), read by the units.
.TP
.I walmart-etl-stream.service, walmart-etl-stream-returns.service, walmart-etl-fetch.service, walmart-etl-fetch-shard@.service, walmart-etl-purge.service, walmart-etl-purge.timer
The systemd units (none is enabled or started by the package); logs:
.BR \"journalctl -u walmart-etl-stream\" .
.TP
.I /usr/share/walmart-etl/
The Grafana dashboard, the Prometheus alert rules and the SQL of every table.
[ENVIRONMENT]
.TP
.B WALMART_ETL_CONFIG
The configuration file when --config is not given.
.TP
.B WALMART_ETL_<SECTION>__<KEY>
Overrides a configuration key, e.g. WALMART_ETL_MYSQL__PASSWORD.
[EXIT STATUS]
0 success, 1 runtime failure, 2 usage or configuration error (the units do not restart on 2).
")
file(WRITE ${OUT}/walmart-etl.h2m "${include}")
execute_process(COMMAND ${HELP2MAN} --no-info --section=1 --version-string=${version}
  --include=${OUT}/walmart-etl.h2m --output=${OUT}/walmart-etl.1 ${BIN}
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed (${rc}): ${err}")
endif()
gzip_file(${OUT}/walmart-etl.1)

# Bash completion: the commands, each command's options, files where a file is expected.
options_of(global_options "${main_help}")
set(file_types "PATH|FILE|DIR")
macro(completion_case label help_text)
  options_of(opts "${help_text}")
  set(words "")
  set(value_opts "")
  set(file_opts "")
  foreach(opt IN LISTS opts)
    string(REPLACE "|" ";" parts "${opt}")
    list(GET parts 0 names)
    list(LENGTH parts n)
    set(type "")
    if(n GREATER 1)
      list(GET parts 1 type)
    endif()
    string(APPEND words " ${names}")
    if(NOT type STREQUAL "")
      string(REPLACE " " "|" alternatives "${names}")
      if(type MATCHES "^(${file_types})$")
        list(APPEND file_opts "${alternatives}")
      else()
        list(APPEND value_opts "${alternatives}")
      endif()
    endif()
  endforeach()
  string(STRIP "${words}" words)
  list(JOIN file_opts "|" file_pattern)
  list(JOIN value_opts "|" value_pattern)
  string(APPEND completion "    ${label})\n      opts=\"${words}\"\n")
  if(NOT file_pattern STREQUAL "")
    string(APPEND completion "      file_opts=\"${file_pattern}\"\n")
  endif()
  if(NOT value_pattern STREQUAL "")
    string(APPEND completion "      value_opts=\"${value_pattern}\"\n")
  endif()
  string(APPEND completion "      ;;\n")
endmacro()

list(JOIN commands " " command_words)
set(completion "# bash completion for walmart-etl ${version}, generated from its --help by
# cmake/ManPage.cmake: the commands, each command's options, a file where one is expected.
_walmart_etl() {
  local cur prev words cword
  _init_completion || return
  local cmd='' i
  for ((i = 1; i < cword; i++)); do
    case \${words[i]} in
      -c | --config | --set) ((i++)) ;;
      -*) ;;
      *) cmd=\${words[i]}; break ;;
    esac
  done
  local opts='' file_opts='' value_opts=''
  case \$cmd in
")
completion_case("''" "${main_help}")
foreach(cmd IN LISTS commands)
  completion_case("${cmd}" "${help_${cmd}}")
endforeach()
string(APPEND completion "    *) return ;;
  esac
  if [[ -n \$file_opts && \$prev == @(\$file_opts) ]]; then
    _filedir
    return
  fi
  if [[ -n \$value_opts && \$prev == @(\$value_opts) ]]; then
    return
  fi
  if [[ -z \$cmd && \$cur != -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W '${command_words}' -- \"\$cur\")
  elif [[ \$cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W \"\$opts\" -- \"\$cur\")
  elif [[ \$cmd == load ]]; then
    _filedir
  fi
} &&
  complete -F _walmart_etl walmart-etl
")
file(WRITE ${OUT}/walmart-etl.bash-completion "${completion}")

# The package's changelog: one entry, for this version and commit.
execute_process(COMMAND git -C ${SRC} log -1 --format=%H OUTPUT_VARIABLE commit
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(commit STREQUAL "")
  set(commit "(not a git checkout)")
endif()
execute_process(COMMAND date -u -R -d @${epoch} OUTPUT_VARIABLE date
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(date STREQUAL "")
  string(TIMESTAMP date "%a, %d %b %Y %H:%M:%S +0000" UTC)
endif()
file(WRITE ${OUT}/changelog "walmart-etl (${version}) unstable; urgency=medium

  * Built from the walmart-etl repository, commit
    ${commit}
    (its history and README describe the changes).

 -- ${MAINTAINER}  ${date}
")
gzip_file(${OUT}/changelog)
