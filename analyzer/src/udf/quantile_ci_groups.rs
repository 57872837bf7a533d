//! The groups accumulator of `quantile_ci_lower` / `quantile_ci_upper` / `quantile_ci`: one object for every
//! group of a GROUP BY, fed a whole batch with each row's group index. The row-wise
//! [`datafusion::logical_expr::Accumulator`] makes DataFusion split every batch into one array
//! per group first, which made `queries/p99.sql` twice as slow as without its interval columns.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Float64Array, ListArray};
use arrow::buffer::OffsetBuffer;
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Float64Type};
use datafusion::common::Result;
use datafusion::logical_expr::{EmitTo, GroupsAccumulator};

use super::quantile_ci::{Bound, Params, extend_finite};

/// Every group's values, and the constant arguments.
#[derive(Debug)]
pub struct CiGroups {
    bound: Bound,
    groups: Vec<Vec<f64>>,
    params: Params,
}

impl CiGroups {
    pub fn new(bound: Bound) -> Self {
        CiGroups {
            bound,
            groups: Vec::new(),
            params: Params::default(),
        }
    }

    /// Groups' values as the state arrays: their list, and q and confidence per group.
    fn states(&self, groups: Vec<Vec<f64>>) -> Result<Vec<ArrayRef>> {
        let n = groups.len();
        let offsets = OffsetBuffer::from_lengths(groups.iter().map(Vec::len));
        // One allocation of the exact size, and no validity bitmap (the values are finite):
        // collecting the flattened groups grew the buffer by doubling, each time on fresh pages.
        let mut flat = Vec::with_capacity(offsets.last().map_or(0, |&end| end as usize));
        for group in groups {
            flat.extend_from_slice(&group);
        }
        let flat = Float64Array::from(flat);
        let lists = ListArray::try_new(
            Arc::new(Field::new_list_field(DataType::Float64, true)),
            offsets,
            Arc::new(flat),
            None,
        )?;
        let constant = |v: Option<f64>| -> ArrayRef { Arc::new(Float64Array::from(vec![v; n])) };
        Ok(vec![
            Arc::new(lists),
            constant(self.params.q),
            constant(self.params.confidence),
        ])
    }
}

/// Whether row `i` passes the FILTER clause (a NULL filter value does not).
fn kept(filter: Option<&BooleanArray>, i: usize) -> bool {
    filter.is_none_or(|f| f.is_valid(i) && f.value(i))
}

/// The finite values of rows that pass the filter, with their row numbers.
fn rows(
    values: &ArrayRef,
    filter: Option<&BooleanArray>,
) -> Result<impl Iterator<Item = (usize, f64)>> {
    let column = cast(values, &DataType::Float64)?;
    let column = column.as_primitive::<Float64Type>().clone();
    let filter = filter.cloned();
    Ok((0..column.len()).filter_map(move |i| {
        let v = column.value(i);
        (column.is_valid(i) && kept(filter.as_ref(), i) && v.is_finite()).then_some((i, v))
    }))
}

impl GroupsAccumulator for CiGroups {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.params.take(&values[1], &values[2])?;
        self.groups.resize(total_num_groups, Vec::new());
        for (i, v) in rows(&values[0], opt_filter)? {
            self.groups[group_indices[i]].push(v);
        }
        Ok(())
    }

    fn merge_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        total_num_groups: usize,
    ) -> Result<()> {
        self.params.take(&values[1], &values[2])?;
        self.groups.resize(total_num_groups, Vec::new());
        let lists = values[0].as_list::<i32>();
        for (i, &group) in group_indices.iter().enumerate() {
            if lists.is_valid(i) {
                extend_finite(&mut self.groups[group], &lists.value(i))?;
            }
        }
        Ok(())
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let groups = emit_to.take_needed(&mut self.groups);
        let bounds = groups
            .into_iter()
            .map(|mut v| self.params.bounds(&mut v))
            .collect();
        Ok(self.bound.array(bounds))
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        let groups = emit_to.take_needed(&mut self.groups);
        self.states(groups)
    }

    /// Each input row as the state of a group of its own (when DataFusion skips partial
    /// aggregation).
    fn convert_to_state(
        &self,
        values: &[ArrayRef],
        opt_filter: Option<&BooleanArray>,
    ) -> Result<Vec<ArrayRef>> {
        let mut params = self.params;
        params.take(&values[1], &values[2])?;
        let mut groups = vec![Vec::new(); values[0].len()];
        for (i, v) in rows(&values[0], opt_filter)? {
            groups[i].push(v);
        }
        let one_per_row = CiGroups {
            bound: self.bound,
            groups: Vec::new(),
            params,
        };
        one_per_row.states(groups)
    }

    fn size(&self) -> usize {
        let per_group = std::mem::size_of::<Vec<f64>>();
        std::mem::size_of_val(self)
            + self
                .groups
                .iter()
                .map(|g| g.capacity() * std::mem::size_of::<f64>() + per_group)
                .sum::<usize>()
    }
}
