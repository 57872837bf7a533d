//! `quantile_ci_lower` / `quantile_ci_upper` / `quantile_ci`: distribution-free confidence
//! interval of a quantile, as aggregate functions (`quantile_ci` gives both bounds from one
//! copy of the values, as a struct `{lower, upper}`). Exact (all values are kept, like `percentile_cont`); the
//! bound is found by selection, and grouped queries use the groups accumulator
//! ([`super::quantile_ci_groups`]), which takes a whole batch per call.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array, StructArray};
use arrow::buffer::NullBuffer;
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, FieldRef, Fields, Float64Type};
use datafusion::common::utils::SingleRowListArrayBuilder;
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDFImpl, GroupsAccumulator, Signature, Volatility,
};
use lambench_model::stats;

/// Which bound(s) of the interval a function gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bound {
    Lower,
    Upper,
    /// Both, as a struct `{lower, upper}`.
    Both,
}

impl Bound {
    /// The function's result type.
    pub(super) fn data_type(self) -> DataType {
        match self {
            Bound::Both => DataType::Struct(both_fields()),
            _ => DataType::Float64,
        }
    }

    /// The result for each group's interval (`None`: too few values).
    pub(super) fn array(self, bounds: Vec<Option<(f64, f64)>>) -> ArrayRef {
        let lower: Float64Array = bounds.iter().map(|b| b.map(|b| b.0)).collect();
        let upper: Float64Array = bounds.iter().map(|b| b.map(|b| b.1)).collect();
        match self {
            Bound::Lower => Arc::new(lower),
            Bound::Upper => Arc::new(upper),
            Bound::Both => {
                let nulls =
                    NullBuffer::from(bounds.iter().map(Option::is_some).collect::<Vec<_>>());
                Arc::new(StructArray::new(
                    both_fields(),
                    vec![Arc::new(lower), Arc::new(upper)],
                    Some(nulls),
                ))
            }
        }
    }
}

fn both_fields() -> Fields {
    Fields::from(vec![
        Field::new("lower", DataType::Float64, true),
        Field::new("upper", DataType::Float64, true),
    ])
}

/// The aggregate function giving `bound`.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct QuantileCi {
    bound: Bound,
    signature: Signature,
}

impl QuantileCi {
    pub fn new(bound: Bound) -> Self {
        QuantileCi {
            bound,
            signature: Signature::any(3, Volatility::Immutable),
        }
    }
}

impl AggregateUDFImpl for QuantileCi {
    fn name(&self) -> &str {
        match self.bound {
            Bound::Lower => "quantile_ci_lower",
            Bound::Upper => "quantile_ci_upper",
            Bound::Both => "quantile_ci",
        }
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(self.bound.data_type())
    }
    fn accumulator(&self, _args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(CiAccumulator {
            bound: self.bound,
            values: Vec::new(),
            params: Params::default(),
        }))
    }
    fn groups_accumulator_supported(&self, _args: AccumulatorArgs) -> bool {
        true
    }
    fn create_groups_accumulator(
        &self,
        _args: AccumulatorArgs,
    ) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(super::quantile_ci_groups::CiGroups::new(
            self.bound,
        )))
    }
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let item = Arc::new(Field::new_list_field(DataType::Float64, true));
        Ok(vec![
            Arc::new(Field::new(
                format!("{}_values", args.name),
                DataType::List(item),
                true,
            )),
            Arc::new(Field::new(
                format!("{}_q", args.name),
                DataType::Float64,
                true,
            )),
            Arc::new(Field::new(
                format!("{}_conf", args.name),
                DataType::Float64,
                true,
            )),
        ])
    }
}

/// The quantile and confidence asked for: constant arguments, read from the first row that
/// has them.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Params {
    pub q: Option<f64>,
    pub confidence: Option<f64>,
}

impl Params {
    pub fn take(&mut self, q: &ArrayRef, conf: &ArrayRef) -> Result<()> {
        let first = |a: &ArrayRef| -> Result<Option<f64>> {
            let a = cast(a, &DataType::Float64)?;
            let a = a.as_primitive::<Float64Type>();
            Ok((0..a.len()).find(|&i| a.is_valid(i)).map(|i| a.value(i)))
        };
        if self.q.is_none() {
            self.q = first(q)?;
        }
        if self.confidence.is_none() {
            self.confidence = first(conf)?;
        }
        if let Some(q) = self.q
            && !(0.0 < q && q < 1.0)
        {
            return exec_err!("quantile_ci: q must be between 0 and 1 (exclusive), got {q}");
        }
        if let Some(c) = self.confidence
            && !(0.0 < c && c < 1.0)
        {
            return exec_err!(
                "quantile_ci: confidence must be between 0 and 1 (exclusive), e.g. 0.95, got {c}"
            );
        }
        Ok(())
    }

    /// The interval's bounds for `values` (reordered in place): the order statistics of the
    /// bounds' ranks, found by selection in O(n) rather than by sorting.
    pub fn bounds(&self, values: &mut [f64]) -> Option<(f64, f64)> {
        let (l, u) = stats::quantile_ci_ranks(values.len(), self.q?, self.confidence?)?;
        let (below, &mut upper, _) = values.select_nth_unstable_by(u - 1, f64::total_cmp);
        // l < u, so the lower bound's rank is among the values below the upper one.
        let (_, &mut lower, _) = below.select_nth_unstable_by(l - 1, f64::total_cmp);
        Some((lower, upper))
    }
}

/// The finite, non-null values of an array, appended to `to` (without a list of their own
/// first: a merge gets each group's values as one array).
pub(super) fn extend_finite(to: &mut Vec<f64>, values: &ArrayRef) -> Result<()> {
    let values = cast(values, &DataType::Float64)?;
    let values = values.as_primitive::<Float64Type>();
    if values.null_count() == 0 {
        to.extend(values.values().iter().filter(|v| v.is_finite()));
    } else {
        to.extend(values.iter().flatten().filter(|v| v.is_finite()));
    }
    Ok(())
}

#[derive(Debug)]
struct CiAccumulator {
    bound: Bound,
    values: Vec<f64>,
    params: Params,
}

impl Accumulator for CiAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.params.take(&values[1], &values[2])?;
        extend_finite(&mut self.values, &values[0])?;
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let bounds = self.params.bounds(&mut self.values);
        ScalarValue::try_from_array(&self.bound.array(vec![bounds]), 0)
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.values.capacity() * std::mem::size_of::<f64>()
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let values: ArrayRef = Arc::new(Float64Array::from(std::mem::take(&mut self.values)));
        Ok(vec![
            SingleRowListArrayBuilder::new(values).build_list_scalar(),
            ScalarValue::Float64(self.params.q),
            ScalarValue::Float64(self.params.confidence),
        ])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        self.params.take(&states[1], &states[2])?;
        let lists = states[0].as_list::<i32>();
        for i in 0..lists.len() {
            if lists.is_valid(i) {
                extend_finite(&mut self.values, &lists.value(i))?;
            }
        }
        Ok(())
    }
}
