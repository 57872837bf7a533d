//! `quantile_ci_lower` / `quantile_ci_upper`: distribution-free confidence interval of a
//! quantile, as aggregate functions. Exact (all values are kept, like `percentile_cont`).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, FieldRef, Float64Type};
use datafusion::common::utils::SingleRowListArrayBuilder;
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{Accumulator, AggregateUDFImpl, Signature, Volatility};
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
            q: None,
            confidence: None,
        }))
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

#[derive(Debug)]
struct CiAccumulator {
    upper: bool,
    values: Vec<f64>,
    q: Option<f64>,
    confidence: Option<f64>,
}

impl CiAccumulator {
    fn take_params(&mut self, q: &ArrayRef, conf: &ArrayRef) -> Result<()> {
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

    fn push_values(&mut self, values: &ArrayRef) -> Result<()> {
        let values = cast(values, &DataType::Float64)?;
        let values = values.as_primitive::<Float64Type>();
        self.values
            .extend(values.iter().flatten().filter(|v| v.is_finite()));
        Ok(())
    }
}

impl Accumulator for CiAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.take_params(&values[1], &values[2])?;
        self.push_values(&values[0])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let (Some(q), Some(conf)) = (self.q, self.confidence) else {
            return Ok(ScalarValue::Float64(None));
        };
        self.values.sort_by(f64::total_cmp);
        let bound = stats::quantile_ci(&self.values, q, conf)
            .map(|(lo, hi)| if self.upper { hi } else { lo });
        Ok(ScalarValue::Float64(bound))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.values.capacity() * std::mem::size_of::<f64>()
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let values: ArrayRef = Arc::new(Float64Array::from(std::mem::take(&mut self.values)));
        Ok(vec![
            SingleRowListArrayBuilder::new(values).build_list_scalar(),
            ScalarValue::Float64(self.q),
            ScalarValue::Float64(self.confidence),
        ])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        self.take_params(&states[1], &states[2])?;
        let lists = states[0].as_list::<i32>();
        for i in 0..lists.len() {
            if lists.is_valid(i) {
                self.push_values(&lists.value(i))?;
            }
        }
        Ok(())
    }
}
