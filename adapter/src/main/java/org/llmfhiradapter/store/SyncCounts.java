package org.llmfhiradapter.store;

/**
 * What one sync did, as the store records it.
 *
 * @param candidates candidates discovered on the sources
 * @param fetched patients fetched
 * @param added patients new to the store
 * @param changed stored patients whose resources changed
 * @param removed stored patients that are no longer candidates
 * @param unchanged fetched patients whose resources had not changed (nothing mapped again)
 * @param included patients of the stored cohort that are included
 * @param excluded patients of the stored cohort that are excluded
 */
public record SyncCounts(
    int candidates,
    int fetched,
    int added,
    int changed,
    int removed,
    int unchanged,
    int included,
    int excluded) {}
