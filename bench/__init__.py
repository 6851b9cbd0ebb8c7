"""apcase's benchmarks (`make bench`). Figures are ratios measured in the same run, on
a throwaway SQLite database, because these machines are noisy: an absolute time says
little, a ratio between two measurements taken side by side says how the code scales."""
