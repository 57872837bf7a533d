//! Independent work split between the cores: the statistics of each cell, the contrasts of
//! each arm64/x86_64 pair, the trend's weekly medians. Scoped threads, one per core, each
//! taking a contiguous share in order, so results come back in the items' order whatever the
//! number of cores (and the report is the same on any machine).

/// `f` of every item, in order, the items split between the cores.
pub(crate) fn map<I: Send, T: Send>(items: Vec<I>, f: impl Fn(I) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = items.len().div_ceil(threads).max(1);
    let mut shares: Vec<Vec<I>> = Vec::with_capacity(threads);
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        shares.push(items.by_ref().take(chunk).collect());
    }
    std::thread::scope(|scope| {
        let running: Vec<_> = shares
            .into_iter()
            .map(|share| {
                let f = &f;
                scope.spawn(move || share.into_iter().map(f).collect::<Vec<T>>())
            })
            .collect();
        running
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_back_in_the_items_order() {
        for n in [0, 1, 2, 3, 7, 100] {
            let items: Vec<usize> = (0..n).collect();
            let doubled = super::map(items, |i| 2 * i);
            assert_eq!(doubled, (0..n).map(|i| 2 * i).collect::<Vec<_>>());
        }
    }
}
