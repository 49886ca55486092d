# Every dependency comes from a Debian 12 package; scripts/install-deps.sh installs them.
find_package(MPI REQUIRED COMPONENTS C CXX)

set(HDF5_PREFER_PARALLEL ON)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR
    "coordnet needs a parallel (MPI) build of HDF5, but the HDF5 found at '${HDF5_INCLUDE_DIRS}' is serial. "
    "On Debian install libhdf5-openmpi-dev (scripts/install-deps.sh does this).")
endif()
add_library(coordnet_hdf5 INTERFACE)
target_include_directories(coordnet_hdf5 SYSTEM INTERFACE ${HDF5_C_INCLUDE_DIRS} ${HDF5_INCLUDE_DIRS})
target_link_libraries(coordnet_hdf5 INTERFACE ${HDF5_C_LIBRARIES} ${HDF5_LIBRARIES})
target_compile_definitions(coordnet_hdf5 INTERFACE ${HDF5_C_DEFINITIONS} ${HDF5_DEFINITIONS})
add_library(coordnet::hdf5 ALIAS coordnet_hdf5)

find_package(ZLIB REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(simdjson REQUIRED)
find_package(absl REQUIRED)

find_path(XXHASH_INCLUDE_DIR xxhash.h REQUIRED)
add_library(coordnet_xxhash INTERFACE)
target_include_directories(coordnet_xxhash SYSTEM INTERFACE ${XXHASH_INCLUDE_DIR})
target_compile_definitions(coordnet_xxhash INTERFACE XXH_INLINE_ALL)
add_library(coordnet::xxhash ALIAS coordnet_xxhash)
