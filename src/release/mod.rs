//! Release policies (the anonymization side). Today: the release key, the secret that maps
//! released record ids back to original ids, which the aux sampler and the attack read.

pub mod key;

pub use key::ReleaseKey;
