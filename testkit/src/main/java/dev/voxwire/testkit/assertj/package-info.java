/**
 * AssertJ assertions for Voxwire types: start from {@link dev.voxwire.testkit.assertj.VoxwireAssertions}.
 *
 * <p>This package needs {@code org.assertj:assertj-core} on the test class path; the testkit
 * declares it as an optional dependency, so add it to your own test dependencies (most projects
 * already have it). The rest of the testkit works without it.
 */
@NullMarked
package dev.voxwire.testkit.assertj;

import org.jspecify.annotations.NullMarked;
