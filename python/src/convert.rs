//! The library's serializable results (summaries, reports, the audit) as Python objects, with
//! no JSON text in between: a serde serializer that builds what `json.loads` would make of
//! `serde_json::to_string(value)`: dicts in field order, lists, `str`, `int`, `float`, `bool`,
//! `None` (for `null`, and for NaN and infinities, which JSON writes as `null`); map keys as
//! text, enum variants as JSON writes them.

use std::fmt;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use pyo3::{IntoPyObjectExt, PyErr};
use serde::ser::{self, Serialize};

/// `value` as the Python object of its JSON form.
pub fn to_python<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    value.serialize(Serializer { py }).map_err(|e| e.0)
}

/// A Python error raised while building, or a serde error turned into one.
pub struct Error(PyErr);

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error(crate::errors::invalid(message.to_string()))
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Error(e)
    }
}

type Out<'py> = Result<Bound<'py, PyAny>, Error>;

#[derive(Clone, Copy)]
struct Serializer<'py> {
    py: Python<'py>,
}

impl<'py> Serializer<'py> {
    fn any<T: IntoPyObject<'py>>(self, value: T) -> Out<'py> {
        Ok(value.into_bound_py_any(self.py)?)
    }

    fn none(self) -> Out<'py> {
        Ok(self.py.None().into_bound(self.py))
    }

    fn float(self, v: f64) -> Out<'py> {
        if v.is_finite() {
            self.any(v)
        } else {
            self.none()
        }
    }

    /// `{variant: value}`, as JSON writes an enum variant with data.
    fn tagged(self, variant: &str, value: Bound<'py, PyAny>) -> Out<'py> {
        let dict = PyDict::new(self.py);
        dict.set_item(variant, value)?;
        Ok(dict.into_any())
    }
}

impl<'py> ser::Serializer for Serializer<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    type SerializeSeq = Seq<'py>;
    type SerializeTuple = Seq<'py>;
    type SerializeTupleStruct = Seq<'py>;
    type SerializeTupleVariant = Seq<'py>;
    type SerializeMap = Map<'py>;
    type SerializeStruct = Map<'py>;
    type SerializeStructVariant = Map<'py>;

    fn serialize_bool(self, v: bool) -> Out<'py> {
        self.any(v)
    }
    fn serialize_i8(self, v: i8) -> Out<'py> {
        self.any(v)
    }
    fn serialize_i16(self, v: i16) -> Out<'py> {
        self.any(v)
    }
    fn serialize_i32(self, v: i32) -> Out<'py> {
        self.any(v)
    }
    fn serialize_i64(self, v: i64) -> Out<'py> {
        self.any(v)
    }
    fn serialize_i128(self, v: i128) -> Out<'py> {
        self.any(v)
    }
    fn serialize_u8(self, v: u8) -> Out<'py> {
        self.any(v)
    }
    fn serialize_u16(self, v: u16) -> Out<'py> {
        self.any(v)
    }
    fn serialize_u32(self, v: u32) -> Out<'py> {
        self.any(v)
    }
    fn serialize_u64(self, v: u64) -> Out<'py> {
        self.any(v)
    }
    fn serialize_u128(self, v: u128) -> Out<'py> {
        self.any(v)
    }
    fn serialize_f32(self, v: f32) -> Out<'py> {
        // JSON writes an f32 by its shortest decimal form, which Python reads back as that
        // decimal (not as the f32's exact binary value).
        if v.is_finite() {
            self.any(v.to_string().parse::<f64>().expect("a float's text parses"))
        } else {
            self.none()
        }
    }
    fn serialize_f64(self, v: f64) -> Out<'py> {
        self.float(v)
    }
    fn serialize_char(self, v: char) -> Out<'py> {
        self.any(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Out<'py> {
        self.any(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Out<'py> {
        Ok(PyList::new(self.py, v)?.into_any())
    }
    fn serialize_none(self) -> Out<'py> {
        self.none()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Out<'py> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Out<'py> {
        self.none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Out<'py> {
        self.none()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Out<'py> {
        self.any(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Out<'py> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Out<'py> {
        let inner = value.serialize(self)?;
        self.tagged(variant, inner)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Seq<'py>, Error> {
        Ok(Seq::new(self, None))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Seq<'py>, Error> {
        Ok(Seq::new(self, None))
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Seq<'py>, Error> {
        Ok(Seq::new(self, None))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Seq<'py>, Error> {
        Ok(Seq::new(self, Some(variant)))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Map<'py>, Error> {
        Ok(Map::new(self, None))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Map<'py>, Error> {
        Ok(Map::new(self, None))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Map<'py>, Error> {
        Ok(Map::new(self, Some(variant)))
    }
}

/// A list being filled (wrapped as `{variant: [...]}` for a tuple variant).
pub struct Seq<'py> {
    ser: Serializer<'py>,
    items: Vec<Bound<'py, PyAny>>,
    variant: Option<&'static str>,
}

impl<'py> Seq<'py> {
    fn new(ser: Serializer<'py>, variant: Option<&'static str>) -> Self {
        Seq {
            ser,
            items: Vec::new(),
            variant,
        }
    }

    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.items.push(value.serialize(self.ser)?);
        Ok(())
    }

    fn finish(self) -> Out<'py> {
        let list = PyList::new(self.ser.py, self.items)?.into_any();
        match self.variant {
            Some(variant) => self.ser.tagged(variant, list),
            None => Ok(list),
        }
    }
}

impl<'py> ser::SerializeSeq for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeTuple for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeTupleStruct for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeTupleVariant for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

/// A dict being filled in insertion order (wrapped as `{variant: {...}}` for a struct variant).
pub struct Map<'py> {
    ser: Serializer<'py>,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyAny>>,
    variant: Option<&'static str>,
}

impl<'py> Map<'py> {
    fn new(ser: Serializer<'py>, variant: Option<&'static str>) -> Self {
        Map {
            ser,
            dict: PyDict::new(ser.py),
            key: None,
            variant,
        }
    }

    fn finish(self) -> Out<'py> {
        let dict = self.dict.into_any();
        match self.variant {
            Some(variant) => self.ser.tagged(variant, dict),
            None => Ok(dict),
        }
    }
}

impl<'py> ser::SerializeMap for Map<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(KeySerializer { py: self.ser.py })?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <Error as ser::Error>::custom("a map value without its key"))?;
        self.dict.set_item(key, value.serialize(self.ser)?)?;
        Ok(())
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeStruct for Map<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.dict.set_item(key, value.serialize(self.ser)?)?;
        Ok(())
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeStructVariant for Map<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.dict.set_item(key, value.serialize(self.ser)?)?;
        Ok(())
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

/// A map key as JSON writes it: text (numbers, booleans and unit variants as their text).
struct KeySerializer<'py> {
    py: Python<'py>,
}

impl<'py> KeySerializer<'py> {
    fn text(self, text: impl AsRef<str>) -> Out<'py> {
        Ok(PyString::new(self.py, text.as_ref()).into_any())
    }

    fn refuse(self) -> Out<'py> {
        Err(not_a_key())
    }
}

fn not_a_key() -> Error {
    <Error as ser::Error>::custom("a map key must be text or a number")
}

/// The key serializer's compound parts: never made (keys are never lists or dicts).
type NoKey<'py> = ser::Impossible<Bound<'py, PyAny>, Error>;

impl<'py> ser::Serializer for KeySerializer<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    type SerializeSeq = NoKey<'py>;
    type SerializeTuple = NoKey<'py>;
    type SerializeTupleStruct = NoKey<'py>;
    type SerializeTupleVariant = NoKey<'py>;
    type SerializeMap = NoKey<'py>;
    type SerializeStruct = NoKey<'py>;
    type SerializeStructVariant = NoKey<'py>;

    fn serialize_bool(self, v: bool) -> Out<'py> {
        self.text(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Out<'py> {
        self.text(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Out<'py> {
        self.text(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Out<'py> {
        self.text(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Out<'py> {
        self.text(v.to_string())
    }
    fn serialize_i128(self, v: i128) -> Out<'py> {
        self.text(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Out<'py> {
        self.text(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Out<'py> {
        self.text(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Out<'py> {
        self.text(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Out<'py> {
        self.text(v.to_string())
    }
    fn serialize_u128(self, v: u128) -> Out<'py> {
        self.text(v.to_string())
    }
    fn serialize_f32(self, v: f32) -> Out<'py> {
        if v.is_finite() {
            self.text(v.to_string())
        } else {
            self.refuse()
        }
    }
    fn serialize_f64(self, v: f64) -> Out<'py> {
        if v.is_finite() {
            self.text(v.to_string())
        } else {
            self.refuse()
        }
    }
    fn serialize_char(self, v: char) -> Out<'py> {
        self.text(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Out<'py> {
        self.text(v)
    }
    fn serialize_bytes(self, _v: &[u8]) -> Out<'py> {
        self.refuse()
    }
    fn serialize_none(self) -> Out<'py> {
        self.refuse()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Out<'py> {
        self.refuse()
    }
    fn serialize_unit(self) -> Out<'py> {
        self.refuse()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Out<'py> {
        self.refuse()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Out<'py> {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Out<'py> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Out<'py> {
        self.refuse()
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<NoKey<'py>, Error> {
        Err(not_a_key())
    }
    fn serialize_tuple(self, _len: usize) -> Result<NoKey<'py>, Error> {
        Err(not_a_key())
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<NoKey<'py>, Error> {
        Err(not_a_key())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<NoKey<'py>, Error> {
        Err(not_a_key())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<NoKey<'py>, Error> {
        Err(not_a_key())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<NoKey<'py>, Error> {
        Err(not_a_key())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<NoKey<'py>, Error> {
        Err(not_a_key())
    }
}
