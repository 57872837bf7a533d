//! `quantile_ci_lower` / `quantile_ci_upper`: distribution-free confidence interval of a
//! quantile, as aggregate functions. Exact (all values are kept, like `percentile_cont`); the
//! bound is found by selection, and grouped queries use the groups accumulator
//! ([`super::quantile_ci_groups`]), which takes a whole batch per call.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, FieldRef, Float64Type};
use datafusion::common::utils::SingleRowListArrayBuilder;
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDFImpl, GroupsAccumulator, Signature, Volatility,
};
use lambench_model::stats;

/// The lower or upper bound of the interval.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct QuantileCi {
    upper: bool,
    signature: Signature,
}

impl QuantileCi {
    pub fn new(upper: bool) -> Self {
        QuantileCi {
            upper,
            signature: Signature::any(3, Volatility::Immutable),
        }
    }
}

impl AggregateUDFImpl for QuantileCi {
    fn name(&self) -> &str {
        if self.upper {
            "quantile_ci_upper"
        } else {
            "quantile_ci_lower"
        }
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }
    fn accumulator(&self, _args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(CiAccumulator {
            upper: self.upper,
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
            self.upper,
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

    /// The lower or upper bound for `values` (reordered in place): the order statistic of the
    /// bound's rank, found by selection in O(n) rather than by sorting.
    pub fn bound(&self, values: &mut [f64], upper: bool) -> Option<f64> {
        let (l, u) = stats::quantile_ci_ranks(values.len(), self.q?, self.confidence?)?;
        let rank = if upper { u } else { l };
        let (_, &mut at, _) = values.select_nth_unstable_by(rank - 1, f64::total_cmp);
        Some(at)
    }
}

/// The finite, non-null values of an array.
pub(super) fn finite(values: &ArrayRef) -> Result<Vec<f64>> {
    let values = cast(values, &DataType::Float64)?;
    let values = values.as_primitive::<Float64Type>();
    Ok(values.iter().flatten().filter(|v| v.is_finite()).collect())
}

#[derive(Debug)]
struct CiAccumulator {
    upper: bool,
    values: Vec<f64>,
    params: Params,
}

impl Accumulator for CiAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.params.take(&values[1], &values[2])?;
        self.values.extend(finite(&values[0])?);
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Float64(
            self.params.bound(&mut self.values, self.upper),
        ))
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
                self.values.extend(finite(&lists.value(i))?);
            }
        }
        Ok(())
    }
}
