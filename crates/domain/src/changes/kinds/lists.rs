//! The kinds of field that hold a list.

use utoipa::openapi::schema::{KnownFormat, Schema};
use uuid::Uuid;

use super::super::schema::{self, text};
use super::super::{Kind, Mode};
use crate::input::{ObjectReader, Patch};

/// A list of at most `max_items` strings of at most `max_len` characters each;
/// duplicates are dropped, not refused.
pub struct TextList(usize, usize);

impl TextList {
    pub const fn new(max_items: usize, max_len: usize) -> Self {
        Self(max_items, max_len)
    }
}

impl Kind for TextList {
    type Value = Patch<Vec<String>>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<Vec<String>> {
        r.patch_string_list(name, self.0, self.1)
    }

    fn schema(&self) -> Schema {
        schema::array_of(text(self.1).build(), self.0)
    }
}

/// A list of at most `max_items` UUIDs naming other records; duplicates are dropped.
pub struct IdList(usize);

impl IdList {
    pub const fn new(max_items: usize) -> Self {
        Self(max_items)
    }
}

impl Kind for IdList {
    type Value = Patch<Vec<Uuid>>;

    fn read(&self, r: &mut ObjectReader, name: &str, _: Mode) -> Patch<Vec<Uuid>> {
        r.patch_uuid_list(name, self.0)
    }

    fn schema(&self) -> Schema {
        schema::array_of(schema::formatted(KnownFormat::Uuid).build(), self.0)
    }
}
