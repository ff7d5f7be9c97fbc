import { ExactDenseIndex } from "../../../src/store/dense/exact.js";
import { describeDenseIndexConformance } from "./conformance.js";

describeDenseIndexConformance("exact", {
  create: (dimension) => new ExactDenseIndex(dimension),
  load: (dir) => ExactDenseIndex.load(dir),
});
