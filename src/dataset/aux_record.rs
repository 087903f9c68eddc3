//! What an adversary knows about one person: a few facts (an item, perhaps a rating and a
//! date), in the external ids of the aux's own catalogue, and perhaps some of their attributes
//! (age, gender, zip code). Sampled by `auxiliary`, read from CSV
//! by `auxiliary::file`, scored by `attack`.

/// The columns of an aux file that are not attributes, in the order the file writes them. A
/// people table may not name an attribute so: the aux file would write two columns of that name
/// and read the attribute as the column.
pub const AUX_COLUMNS: [&str; 6] = ["aux_id", "item", "rating", "date", "true_user", "count"];

/// Whether `name` is one of the [`AUX_COLUMNS`].
pub fn is_aux_column(name: &str) -> bool {
    AUX_COLUMNS.contains(&name)
}

/// One fact the adversary knows: an item, perhaps with a rating and a date.
#[derive(Debug, Clone, PartialEq)]
pub struct AuxFact {
    /// The item's external id (in the aux's own catalogue; see `attack --item-map`).
    pub item: String,
    /// Rating in half stars, if known.
    pub rating: Option<u8>,
    /// Day since 1970-01-01, if known.
    pub day: Option<u16>,
}

/// What the adversary knows about one target.
#[derive(Debug, Clone, PartialEq)]
pub struct AuxRecord {
    /// The aux record's id.
    pub id: String,
    /// The facts.
    pub facts: Vec<AuxFact>,
    /// The target's record id in the original data, when known (for scoring).
    pub true_user: Option<String>,
    /// Roughly how many ratings the target has, when the adversary knows it (paper Fig. 12).
    pub count: Option<u32>,
    /// The target's attributes the adversary knows, named as in the people table.
    pub attributes: Vec<AuxAttribute>,
}

/// One attribute the adversary knows: its value, exact (`24`, `M`, `85711`), a range of
/// numbers when known only roughly (`22-26`), or a prefix (`857*`).
#[derive(Debug, Clone, PartialEq)]
pub struct AuxAttribute {
    /// The attribute's name in the people table.
    pub name: String,
    /// What the adversary knows of its value.
    pub value: String,
}
