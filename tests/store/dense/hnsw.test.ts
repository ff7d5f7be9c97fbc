import { HnswDenseIndex } from "../../../src/store/dense/hnsw.js";
import { describeDenseIndexConformance } from "./conformance.js";

// ef well above the collection's size: on a few hundred points the graph search is then exact.
describeDenseIndexConformance("hnsw", {
  create: (dimension) => new HnswDenseIndex(dimension, 400),
  load: (dir) => HnswDenseIndex.load(dir, { ef: 400 }),
});
