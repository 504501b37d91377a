# find_package(hathora_rooms) support: defines the imported target hathora::rooms (the C header,
# the header-only C++ wrapper, and the native library).
#
# Works from a source checkout (this file in <repo>/cmake, the library built by cargo) and from an
# install prefix made by tools/install.sh (this file in <prefix>/lib/cmake/hathora_rooms, headers in
# <prefix>/include, the library in <prefix>/lib: only there, whatever CARGO_TARGET_DIR says). Point CMake at it with -Dhathora_rooms_DIR=<this directory> or
# CMAKE_PREFIX_PATH.
#
# Cache variables:
#   HATHORA_ROOMS_LIBRARY_DIR  directory holding libhathora_rooms.so / .a (default: searched)
#   HATHORA_ROOMS_STATIC       link the static library instead of the shared one (default OFF)
#   HATHORA_ROOMS_SHARED_LIBRARY, HATHORA_ROOMS_STATIC_LIBRARY, HATHORA_ROOMS_INCLUDE_DIR
#                              what was found; set them to bypass the search

if(TARGET hathora::rooms)
  return()
endif()

get_filename_component(_hr_here "${CMAKE_CURRENT_LIST_DIR}" ABSOLUTE)
if(EXISTS "${_hr_here}/../include/hathora_rooms.h")
  get_filename_component(_hr_root "${_hr_here}/.." ABSOLUTE)          # source checkout
  set(_hr_installed FALSE)
else()
  get_filename_component(_hr_root "${_hr_here}/../../.." ABSOLUTE)    # install prefix
  set(_hr_installed TRUE)
endif()

set(HATHORA_ROOMS_LIBRARY_DIR "" CACHE PATH "Directory holding the built hathora_rooms library")
option(HATHORA_ROOMS_STATIC "Link hathora_rooms statically" OFF)

set(_hr_hints "${HATHORA_ROOMS_LIBRARY_DIR}")
if(_hr_installed)
  # Installed by tools/install.sh: the library is the one of this prefix, nothing else.
  list(APPEND _hr_hints "${_hr_root}/lib")
  set(_hr_search NO_DEFAULT_PATH)
else()
  if(DEFINED ENV{CARGO_TARGET_DIR})
    list(APPEND _hr_hints "$ENV{CARGO_TARGET_DIR}/release")
  endif()
  list(APPEND _hr_hints "${_hr_root}/target/release")
  set(_hr_search "")
endif()

if(HATHORA_ROOMS_STATIC)
  set(_hr_kind STATIC)
  find_library(HATHORA_ROOMS_STATIC_LIBRARY
    NAMES "${CMAKE_STATIC_LIBRARY_PREFIX}hathora_rooms${CMAKE_STATIC_LIBRARY_SUFFIX}" HINTS ${_hr_hints}
    ${_hr_search})
  set(_hr_library "${HATHORA_ROOMS_STATIC_LIBRARY}")
else()
  set(_hr_kind SHARED)
  find_library(HATHORA_ROOMS_SHARED_LIBRARY
    NAMES "${CMAKE_SHARED_LIBRARY_PREFIX}hathora_rooms${CMAKE_SHARED_LIBRARY_SUFFIX}" HINTS ${_hr_hints}
    ${_hr_search})
  set(_hr_library "${HATHORA_ROOMS_SHARED_LIBRARY}")
endif()

find_path(HATHORA_ROOMS_INCLUDE_DIR hathora_rooms.h HINTS "${_hr_root}/include" ${_hr_search})
set(_hr_includes "${HATHORA_ROOMS_INCLUDE_DIR}")
if(EXISTS "${_hr_root}/bindings/cpp/hathora_rooms.hpp")
  list(APPEND _hr_includes "${_hr_root}/bindings/cpp")
endif()

include(FindPackageHandleStandardArgs)
set(hathora_rooms_VERSION 0.1.0)
find_package_handle_standard_args(hathora_rooms
  REQUIRED_VARS _hr_library HATHORA_ROOMS_INCLUDE_DIR
  VERSION_VAR hathora_rooms_VERSION
  REASON_FAILURE_MESSAGE "build it with `cargo build --release --lib` (or install it with tools/install.sh), or set HATHORA_ROOMS_LIBRARY_DIR")

if(hathora_rooms_FOUND)
  add_library(hathora::rooms ${_hr_kind} IMPORTED)
  set_target_properties(hathora::rooms PROPERTIES
    IMPORTED_LOCATION "${_hr_library}"
    INTERFACE_INCLUDE_DIRECTORIES "${_hr_includes}")
  if(HATHORA_ROOMS_STATIC)
    # What Rust's std needs from the system (`--print native-static-libs`).
    find_package(Threads REQUIRED)
    set_target_properties(hathora::rooms PROPERTIES
      INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS};m;rt;util;gcc_s")
  else()
    set_target_properties(hathora::rooms PROPERTIES IMPORTED_NO_SONAME TRUE)  # cargo sets none
  endif()
endif()

unset(_hr_here)
unset(_hr_root)
unset(_hr_installed)
unset(_hr_search)
unset(_hr_hints)
unset(_hr_library)
unset(_hr_kind)
unset(_hr_includes)
