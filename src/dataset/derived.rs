//! Values computed once from a data set and shared by every reader of it: the statistics and
//! models that each attack on a release would otherwise rebuild (an audit attacks one release
//! hundreds of times). One value per type, built on first use; a data set changed through
//! `&mut` forgets them all.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The values derived from one data set, one per type.
#[derive(Default)]
pub struct Derived {
    values: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl Derived {
    /// The value of type `T`, built by `make` the first time it is asked for. Two threads asking
    /// at once may both build it; both get a value equal to the one kept.
    pub fn get_or_insert<T: Any + Send + Sync>(&self, make: impl FnOnce() -> T) -> Arc<T> {
        let id = TypeId::of::<T>();
        let lock = || self.values.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = lock().get(&id) {
            return Arc::clone(v).downcast().expect("keyed by its type");
        }
        let made: Arc<dyn Any + Send + Sync> = Arc::new(make());
        let kept = Arc::clone(lock().entry(id).or_insert(made));
        kept.downcast().expect("keyed by its type")
    }

    /// Forgets every value (the data set changed).
    pub fn clear(&mut self) {
        self.values
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

impl std::fmt::Debug for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.values.lock().map_or(0, |v| v.len());
        write!(f, "Derived({n} values)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_built_once_per_type_and_forgotten_on_clear() {
        let mut d = Derived::default();
        let mut built = 0;
        let a = d.get_or_insert(|| {
            built += 1;
            7u32
        });
        let b = d.get_or_insert(|| {
            built += 1;
            8u32
        });
        assert_eq!((*a, *b, built), (7, 7, 1));
        assert_eq!(*d.get_or_insert(|| String::from("x")), "x");
        d.clear();
        assert_eq!(*d.get_or_insert(|| 9u32), 9);
    }
}
