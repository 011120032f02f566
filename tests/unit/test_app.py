"""The app's inputs: sliders start at the base scenario and stay within the schema's ranges."""

from sim.app import BASE, SLIDERS, model_params, scenario_for
from sim.scenario import Role, load_scenario


def test_sliders_start_at_the_base_scenario_within_the_allowed_ranges():
    params = model_params(load_scenario(BASE))
    assert params["troops"]["value"] == 5000 and params["troops"]["type"] == "SliderInt"
    assert (params["troops"]["min"], params["troops"]["max"]) == (0, 20_000)
    assert params["hotline_quality"]["value"] == 0.3
    assert (params["hotline_quality"]["min"], params["hotline_quality"]["max"]) == (0, 1)
    assert params["missteps"] == {
        "type": "Checkbox",
        "value": True,
        "label": "M3 random incidents on exposed actors.",
    }
    assert set(SLIDERS) <= set(params)


def test_slider_values_and_switches_reach_the_scenario():
    spec = scenario_for(
        load_scenario(BASE), troops=1500.0, audience_cost=0.7, hotline_quality=0.9, missteps=False
    )
    guarantors = [a for a in spec.actors if a.role == Role.GUARANTOR]
    assert [a.troops for a in guarantors] == [1500, 1500]
    assert all(a.audience_cost == 0.7 for a in spec.actors)
    assert spec.world.hotline_quality == 0.9 and not spec.mechanisms.missteps
