//! One figure for the memory a server keeps of its data, split between
//! the read cache, the in-memory search copy and SQLite's memory map.
//!
//! The search copy is as big as the directory makes it (about 0.5 KB a
//! person) and cannot shrink without searching in SQL; the read cache is a
//! fixed share; the memory map takes what is left, divided between the
//! pool's connections, because each connection maps the file on its own and
//! every page it touches counts in the process's memory once per mapping.

/// The default budget: at 100,000 people it keeps a server's resident
/// memory under 200 MiB after the benchmark (BENCHMARKS.md).
pub const DEFAULT_MEMORY_BUDGET_BYTES: u64 = 160 * 1024 * 1024;

/// The read cache's share of the budget when it is not set on its own.
const READ_CACHE_SHARE: u64 = 5;

/// What `--memory-budget-bytes` and the per-part flags say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryBudget {
    pub total: u64,
    /// `--read-cache-bytes`: the read cache's part, when given (still taken
    /// from the budget: the map gets what is left).
    pub read_cache: Option<u64>,
    /// `--sqlite-mmap-bytes`: each connection's map, when given, outside
    /// the budget.
    pub sqlite_map_per_connection: Option<u64>,
}

impl Default for MemoryBudget {
    fn default() -> Self {
        Self {
            total: DEFAULT_MEMORY_BUDGET_BYTES,
            read_cache: None,
            sqlite_map_per_connection: None,
        }
    }
}

/// How a budget was spent, once the search copy was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    pub read_cache: u64,
    pub search: u64,
    pub sqlite_map_per_connection: u64,
    pub connections: u32,
}

impl Split {
    /// The whole memory map: every connection's.
    pub fn sqlite_map(&self) -> u64 {
        self.sqlite_map_per_connection
            .saturating_mul(u64::from(self.connections))
    }

    /// Whether the parts the budget could not bound went over it, or left
    /// SQLite no map at all.
    pub fn over_budget(&self, budget: &MemoryBudget) -> bool {
        let spent = self
            .read_cache
            .saturating_add(self.search)
            .saturating_add(self.sqlite_map());
        spent > budget.total || (self.connections > 0 && self.sqlite_map_per_connection == 0)
    }
}

impl MemoryBudget {
    /// The read cache's part: its own flag, or a fifth of the budget.
    pub fn read_cache(&self) -> u64 {
        self.read_cache.unwrap_or(self.total / READ_CACHE_SHARE)
    }

    /// The split for a search copy of `search` bytes and `connections`
    /// connections that map the database (none on PostgreSQL).
    pub fn split(&self, search: u64, connections: u32) -> Split {
        let read_cache = self.read_cache();
        let sqlite_map_per_connection = match (self.sqlite_map_per_connection, connections) {
            (_, 0) => 0,
            (Some(bytes), _) => bytes,
            (None, n) => {
                let left = self.total.saturating_sub(read_cache).saturating_sub(search);
                left / u64::from(n)
            }
        };
        Split {
            read_cache,
            search,
            sqlite_map_per_connection,
            connections,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;

    #[test]
    fn the_map_takes_what_the_cache_and_the_search_copy_leave() {
        let budget = MemoryBudget::default();
        let split = budget.split(50 * MIB, 2);
        assert_eq!(split.read_cache, 32 * MIB);
        assert_eq!(split.sqlite_map_per_connection, 39 * MIB);
        assert!(!split.over_budget(&budget));
        assert_eq!(
            split.read_cache + split.search + split.sqlite_map(),
            budget.total
        );
    }

    #[test]
    fn a_search_copy_bigger_than_the_budget_turns_the_map_off() {
        let budget = MemoryBudget {
            total: 64 * MIB,
            ..Default::default()
        };
        let split = budget.split(100 * MIB, 4);
        assert_eq!(split.sqlite_map_per_connection, 0);
        assert!(split.over_budget(&budget));
    }

    #[test]
    fn parts_set_on_their_own_are_kept() {
        let budget = MemoryBudget {
            total: 100 * MIB,
            read_cache: Some(0),
            sqlite_map_per_connection: Some(256 * MIB),
        };
        let split = budget.split(10 * MIB, 2);
        assert_eq!(split.read_cache, 0);
        assert_eq!(split.sqlite_map_per_connection, 256 * MIB);
        assert!(split.over_budget(&budget));
        let postgres = MemoryBudget::default().split(0, 0);
        assert_eq!(postgres.sqlite_map(), 0);
        assert_eq!(postgres.read_cache, 32 * MIB);
        assert!(!postgres.over_budget(&MemoryBudget::default()));
        let mapped_nowhere = budget.split(0, 0);
        assert_eq!(
            mapped_nowhere.sqlite_map_per_connection, 0,
            "no connection maps"
        );
    }
}
