//! The Lambda price model as SQL scalar functions.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Builder};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Float64Type};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, TypeSignature, Volatility,
};
use lambench_model::price::{self, DEFAULT_PRICE_REGION, PriceTable};

/// Which price function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PriceFn {
    GbSeconds,
    Cost,
    ComputeCost,
    MonthlyCost,
}

impl PriceFn {
    fn name(self) -> &'static str {
        match self {
            PriceFn::GbSeconds => "gb_seconds",
            PriceFn::Cost => "lambda_cost_usd",
            PriceFn::ComputeCost => "lambda_compute_cost_usd",
            PriceFn::MonthlyCost => "lambda_monthly_cost_usd",
        }
    }
}

/// A price function as a DataFusion scalar UDF. Numeric arguments of any type are cast to
/// Float64; a NULL argument gives a NULL result; an unknown region or architecture is an error.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct PriceUdf {
    function: PriceFn,
    signature: Signature,
}

impl PriceUdf {
    pub fn new(function: PriceFn) -> Self {
        let arities = match function {
            PriceFn::GbSeconds => vec![TypeSignature::Any(2)],
            _ => vec![TypeSignature::Any(3), TypeSignature::Any(4)],
        };
        PriceUdf {
            function,
            signature: Signature::one_of(arities, Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for PriceUdf {
    fn name(&self) -> &str {
        self.function.name()
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let out = match self.function {
            PriceFn::GbSeconds => {
                let (mem, ms) = (floats(&arrays[0])?, floats(&arrays[1])?);
                map_rows(arrays[0].len(), |i| {
                    both(&mem, &ms, i)
                        .map(|(m, b)| price::gb_seconds(m, b))
                        .transpose()
                })?
            }
            f => {
                let arch = strings(&arrays[0])?;
                let (a, b) = (floats(&arrays[1])?, floats(&arrays[2])?);
                let region = arrays.get(3).map(strings).transpose()?;
                map_rows(arrays[0].len(), |i| {
                    let arch = arch.as_string::<i32>();
                    if arch.is_null(i) {
                        return Ok(None);
                    }
                    let region = match &region {
                        Some(r) if r.is_null(i) => return Ok(None),
                        Some(r) => r.as_string::<i32>().value(i),
                        None => DEFAULT_PRICE_REGION,
                    };
                    let Some((x, y)) = both(&a, &b, i) else {
                        return Ok(None);
                    };
                    let arch = arch.value(i);
                    let table = PriceTable;
                    let v = match f {
                        PriceFn::Cost => table.invocation_cost(arch, x, y, region),
                        PriceFn::ComputeCost => table.compute_cost(arch, x, y, region),
                        _ => table.monthly_cost(arch, x, y, region),
                    };
                    v.map(Some)
                })?
            }
        };
        Ok(ColumnarValue::Array(out))
    }
}

fn floats(a: &ArrayRef) -> Result<ArrayRef> {
    Ok(cast(a, &DataType::Float64)?)
}

fn strings(a: &ArrayRef) -> Result<ArrayRef> {
    Ok(cast(a, &DataType::Utf8)?)
}

fn both(a: &ArrayRef, b: &ArrayRef, i: usize) -> Option<(f64, f64)> {
    let (a, b) = (
        a.as_primitive::<Float64Type>(),
        b.as_primitive::<Float64Type>(),
    );
    (a.is_valid(i) && b.is_valid(i)).then(|| (a.value(i), b.value(i)))
}

fn map_rows(
    n: usize,
    f: impl Fn(usize) -> std::result::Result<Option<f64>, price::PriceError>,
) -> Result<ArrayRef> {
    let mut out = Float64Builder::with_capacity(n);
    for i in 0..n {
        match f(i) {
            Ok(v) => out.append_option(v),
            Err(e) => return exec_err!("{e}"),
        }
    }
    Ok(Arc::new(out.finish()))
}
