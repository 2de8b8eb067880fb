//! Maps keyed by an object's own name serialize as plain lists of the
//! objects: JSON has no non-string keys, and the key is inside each value.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{
    Enum, Event, Extension, Function, Grant, GrantKey, Name, Namespace, Policy, Sequence, Table,
    Trigger, View,
};

pub trait Keyed {
    type Key: Ord;
    fn key(&self) -> Self::Key;
}

macro_rules! keyed_by_name {
    ($($t:ty),*) => {$(
        impl Keyed for $t {
            type Key = Name;
            fn key(&self) -> Name {
                self.name.clone()
            }
        }
    )*};
}

keyed_by_name!(Enum, Event, Sequence, Table, View);

impl Keyed for Function {
    type Key = (Name, String);
    fn key(&self) -> (Name, String) {
        Function::key(self)
    }
}

impl Keyed for Extension {
    type Key = String;
    fn key(&self) -> String {
        self.name.clone()
    }
}

impl Keyed for Namespace {
    type Key = String;
    fn key(&self) -> String {
        self.name.clone()
    }
}

impl Keyed for Trigger {
    type Key = (Name, String);
    fn key(&self) -> (Name, String) {
        (self.table.clone(), self.name.clone())
    }
}

impl Keyed for Policy {
    type Key = (Name, String);
    fn key(&self) -> (Name, String) {
        (self.table.clone(), self.name.clone())
    }
}

impl Keyed for Grant {
    type Key = GrantKey;
    fn key(&self) -> GrantKey {
        Grant::key(self)
    }
}

pub fn serialize<S, V>(map: &BTreeMap<V::Key, V>, s: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    V: Keyed + Serialize,
{
    s.collect_seq(map.values())
}

pub fn deserialize<'de, D, V>(d: D) -> Result<BTreeMap<V::Key, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Keyed + Deserialize<'de>,
{
    let items = Vec::<V>::deserialize(d)?;
    Ok(items.into_iter().map(|v| (v.key(), v)).collect())
}
