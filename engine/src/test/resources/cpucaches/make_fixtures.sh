#!/usr/bin/env bash
# Regenerates the sysfs cache trees CpuCachesTest and GemmBlockingTest read: each directory mimics
# /sys/devices/system/cpu/cpu0/cache on one machine (the files Linux writes per cache: level, type, size,
# ways_of_associativity, coherency_line_size). Sizes and ways are the vendors' published figures:
#   sapphire-rapids  Intel Xeon 4th gen: L1d 48K 12-way, L1i 32K 8-way, L2 2M 16-way, L3 105M 15-way
#   zen4             AMD EPYC 9004:      L1d 32K 8-way,  L1i 32K 8-way, L2 1M 8-way,  L3 32M 16-way
#   zen5             AMD EPYC 9005:      L1d 48K 12-way, L1i 32K 8-way, L2 1M 16-way, L3 32M 16-way
# and three broken trees: no-l2 (only L1 caches), bad-size (a size that is not a number), odd-geometry
# (1000K in 12 ways of 64-byte lines: not a whole number of sets). Run from this directory: ./make_fixtures.sh
set -euo pipefail
cd "$(dirname "$0")"

# cache DIR INDEX LEVEL TYPE SIZE WAYS
cache() {
  local d="$1/index$2"
  mkdir -p "$d"
  echo "$3" > "$d/level"; echo "$4" > "$d/type"; echo "$5" > "$d/size"
  echo "$6" > "$d/ways_of_associativity"; echo 64 > "$d/coherency_line_size"
}

rm -rf sapphire-rapids zen4 zen5 no-l2 bad-size odd-geometry
cache sapphire-rapids 0 1 Data 48K 12;  cache sapphire-rapids 1 1 Instruction 32K 8
cache sapphire-rapids 2 2 Unified 2048K 16; cache sapphire-rapids 3 3 Unified 107520K 15
cache zen4 0 1 Data 32K 8;  cache zen4 1 1 Instruction 32K 8
cache zen4 2 2 Unified 1024K 8; cache zen4 3 3 Unified 32768K 16
cache zen5 0 1 Data 48K 12; cache zen5 1 1 Instruction 32K 8
cache zen5 2 2 Unified 1024K 16; cache zen5 3 3 Unified 32768K 16
cache no-l2 0 1 Data 32K 8; cache no-l2 1 1 Instruction 32K 8
cache bad-size 0 1 Data 32K 8; cache bad-size 2 2 Unified lots 8
cache odd-geometry 0 1 Data 32K 8; cache odd-geometry 2 2 Unified 1000K 12
