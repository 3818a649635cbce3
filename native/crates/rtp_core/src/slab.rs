//! Dense storage keyed by `u32` handles. Entries live in a `Vec` (cache-friendly iteration in
//! insertion order, modulo swap-removal); a hash index maps handle → position. Handles are issued by
//! a [`HandleAllocator`] and never reused within its life.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::error::Error;

/// Issues 1, 2, 3, ...; 0 is never a valid handle.
#[derive(Debug, Clone)]
pub struct HandleAllocator {
    next: u32,
}

impl Default for HandleAllocator {
    fn default() -> Self {
        Self { next: 1 }
    }
}

impl HandleAllocator {
    pub fn allocate(&mut self) -> Result<u32, Error> {
        let handle = self.next;
        if handle == u32::MAX {
            return Err(Error::HandlesExhausted);
        }
        self.next += 1;
        Ok(handle)
    }

    /// True for every handle this allocator has handed out (open or closed since).
    pub fn was_issued(&self, handle: u32) -> bool {
        handle != 0 && handle < self.next
    }
}

/// Multiplicative (Fibonacci) hashing: handles are small sequential integers, so one multiply
/// spreads them well and costs a few cycles on the per-packet lookup.
#[derive(Default, Clone, Copy)]
pub struct HandleHasher(u64);

impl Hasher for HandleHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type Index = HashMap<u32, usize, BuildHasherDefault<HandleHasher>>;

#[derive(Debug)]
pub struct HandleSlab<T> {
    entries: Vec<(u32, T)>,
    index: Index,
}

impl<T> Default for HandleSlab<T> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            index: Index::default(),
        }
    }
}

impl<T> HandleSlab<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Inserts under a fresh handle. Panics only in debug builds if the handle is already present,
    /// which a [`HandleAllocator`] rules out.
    pub fn insert(&mut self, handle: u32, value: T) {
        debug_assert!(!self.index.contains_key(&handle), "handle {handle} reused");
        self.index.insert(handle, self.entries.len());
        self.entries.push((handle, value));
    }

    pub fn get(&self, handle: u32) -> Option<&T> {
        let &i = self.index.get(&handle)?;
        self.entries.get(i).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, handle: u32) -> Option<&mut T> {
        let &i = self.index.get(&handle)?;
        self.entries.get_mut(i).map(|(_, v)| v)
    }

    pub fn contains(&self, handle: u32) -> bool {
        self.index.contains_key(&handle)
    }

    pub fn remove(&mut self, handle: u32) -> Option<T> {
        let i = self.index.remove(&handle)?;
        let (_, value) = self.entries.swap_remove(i);
        if let Some((moved, _)) = self.entries.get(i) {
            self.index.insert(*moved, i);
        }
        Some(value)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.entries.iter().map(|(h, v)| (*h, v))
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.index.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocator_never_reuses_and_skips_zero() {
        let mut a = HandleAllocator::default();
        assert_eq!(a.allocate(), Ok(1));
        assert_eq!(a.allocate(), Ok(2));
        assert!(a.was_issued(2) && !a.was_issued(3) && !a.was_issued(0));
        let mut end = HandleAllocator { next: u32::MAX - 1 };
        assert_eq!(end.allocate(), Ok(u32::MAX - 1));
        assert_eq!(end.allocate(), Err(Error::HandlesExhausted));
    }

    #[test]
    fn insert_get_remove_keeps_index_consistent() {
        let mut s = HandleSlab::new();
        for h in 1..=5 {
            s.insert(h, h * 10);
        }
        assert_eq!(s.remove(2), Some(20));
        assert_eq!(s.remove(2), None);
        assert_eq!(s.get(5), Some(&50)); // moved into slot of 2
        assert_eq!(s.get(1), Some(&10));
        *s.get_mut(4).unwrap() += 1;
        assert_eq!(s.get(4), Some(&41));
        assert_eq!(s.len(), 4);
        let mut handles: Vec<_> = s.iter().map(|(h, _)| h).collect();
        handles.sort();
        assert_eq!(handles, vec![1, 3, 4, 5]);
        assert_eq!(s.remove(5), Some(50));
        assert_eq!(s.remove(1), Some(10));
        assert!(s.contains(3) && s.contains(4) && !s.contains(5));
        s.clear();
        assert!(s.is_empty());
    }
}
