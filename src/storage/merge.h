// Combining several sources (head + blocks) into one view.
#pragma once

#include <memory>
#include <vector>

#include "storage/querier.h"

namespace vigie::storage {

// Merges sorted SeriesSets into one sorted set. Series with equal label sets are combined into
// one series whose samples are the union by timestamp (a timestamp present in several sources
// is returned once, from the first source listed). Inputs must each be sorted.
std::unique_ptr<SeriesSet> NewMergeSeriesSet(std::vector<std::unique_ptr<SeriesSet>> sets);

// A series whose samples are the timestamp-union of `parts` (all with equal labels).
std::unique_ptr<Series> NewChainedSeries(std::vector<const Series*> parts);

// Merges iterators by timestamp, dropping duplicate timestamps (first iterator wins).
std::unique_ptr<SampleIterator> NewMergeIterator(std::vector<std::unique_ptr<SampleIterator>> its);

// A Querier over several queriers (owned). Select always merges sorted results (each child is
// asked for sorted output when there is more than one child). Label names/values are unions.
std::unique_ptr<Querier> NewMergeQuerier(std::vector<std::unique_ptr<Querier>> queriers);

}  // namespace vigie::storage
