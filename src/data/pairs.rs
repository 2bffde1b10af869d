//! Maps whose keys are handles, saved as sequences of pairs (JSON map keys
//! must be strings).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub(crate) fn serialize<'a, S, K, V, M>(map: &'a M, s: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    &'a M: IntoIterator<Item = (&'a K, &'a V)>,
    K: Serialize + 'a,
    V: Serialize + 'a,
{
    s.collect_seq(map)
}

pub(crate) fn deserialize<'de, D, M>(d: D) -> Result<M, D::Error>
where
    D: Deserializer<'de>,
    M: PairMap,
    M::K: Deserialize<'de>,
    M::V: Deserialize<'de>,
{
    Ok(Vec::<(M::K, M::V)>::deserialize(d)?.into_iter().collect())
}

/// A map built from pairs.
pub(crate) trait PairMap: FromIterator<(Self::K, Self::V)> {
    type K;
    type V;
}

impl<K: Ord, V> PairMap for std::collections::BTreeMap<K, V> {
    type K = K;
    type V = V;
}

impl<K: Ord + Clone, V: Clone> PairMap for imbl::OrdMap<K, V> {
    type K = K;
    type V = V;
}
