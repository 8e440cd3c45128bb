// The field table, validation and presets: every bad value gets a message naming the field.
#include <catch2/catch.hpp>

#include "grok/grokking/config.h"
#include "grok/grokking/presets.h"
#include "grok/grokking/schema.h"
#include "grok/grokking/run_file.h"

using namespace grok;

TEST_CASE("defaults and every preset validate") {
  CHECK(validate(Config{}) == "");
  for (const auto& p : presets()) {
    INFO(p.name);
    CHECK(validate(p.config) == "");
  }
}

TEST_CASE("nanda2023 preset matches the paper's setup") {
  const Config& c = find_preset("nanda2023")->config;
  CHECK(c.op == "add");
  CHECK(c.p == 113);
  CHECK(c.train_fraction == 0.3);
  CHECK(c.model == "transformer");
  CHECK(c.layers == 1);
  CHECK(c.d_model == 128);
  CHECK(c.heads == 4);
  CHECK(c.d_mlp == 512);
  CHECK(c.layer_norm == "none");
  CHECK(c.lr == 1e-3);
  CHECK(c.weight_decay == 1.0);
  CHECK(c.beta1 == 0.9);
  CHECK(c.beta2 == 0.98);
  CHECK(c.warmup == 10);
  CHECK(c.batch_size == 0);
}

TEST_CASE("bad values are rejected with the field name and range") {
  Config c;
  const FieldSpec* f = find_field("train_fraction");
  REQUIRE(f);
  CHECK(set_field_from_string(c, *f, "1.5").find("train_fraction") == 0);
  CHECK(set_field_from_string(c, *f, "1.5").find("(0, 1)") != std::string::npos);
  CHECK(set_field_from_string(c, *f, "0") != "");
  CHECK(set_field_from_string(c, *f, "abc") != "");
  CHECK(set_field_from_string(c, *f, "0.5") == "");
  CHECK(c.train_fraction == 0.5);
  CHECK(set_field_from_string(c, *find_field("op"), "pow").find("one of add") != std::string::npos);
  CHECK(set_field_from_string(c, *find_field("steps"), "1.5") != "");
  CHECK(set_field_from_string(c, *find_field("p"), "nan") != "");
  Config np;
  np.p = 100;
  CHECK(validate(np).find("p: 100 is not prime") == 0);
  Config heads;
  heads.d_model = 130;
  heads.heads = 4;
  CHECK(validate(heads).find("heads") == 0);
}

TEST_CASE("config JSON round-trips and rejects unknown keys") {
  Config c = find_preset("power2022")->config;
  Config back;
  REQUIRE(config_from_json(config_to_json(c), back) == "");
  CHECK(config_to_json(back) == config_to_json(c));
  CHECK(config_from_json(nlohmann::json{{"learning_rate", 1}}, back).find("unknown key 'learning_rate'") !=
        std::string::npos);
  CHECK(config_from_json(nlohmann::json{{"p", "seven"}}, back).find("p: expected a number") == 0);
  CHECK(config_from_json(nlohmann::json{{"seed", 4294967296.0}}, back) != "");
}

TEST_CASE("schema JSON lists every field with default and range, and the presets") {
  const auto s = schema_json();
  CHECK(s["fields"].size() == field_specs().size());
  CHECK(s["presets"].size() == presets().size());
  for (const auto& f : s["fields"]) CHECK(f.contains("default"));
}

TEST_CASE("a batch larger than the training set is an error, not a silent full batch") {
  Config c = find_preset("nanda2023")->config;  // p = 113, train_fraction 0.3: 3830 training pairs
  c.batch_size = 3830;
  CHECK(validate(c) == "");
  c.batch_size = 3831;
  CHECK(validate(c) == "batch_size: 3831 is more than the 3830 training examples (0 = full batch)");
  Config d = find_preset("mnist1d-dd")->config;
  d.batch_size = 4001;
  CHECK(validate(d) == "batch_size: 4001 is more than the 4000 training examples (0 = full batch)");
}
