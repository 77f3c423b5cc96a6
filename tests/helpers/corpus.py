"""The corpus files the multi-app tests read, named once (paths under ../shared/corpus): the five
ClowdApps the cost-onprem chart deploys, and the chart's renders."""

from __future__ import annotations

KOKU = "koku/clowdapp-2026-08-14-f6cc00b31.yaml"
ROS = "ros/ros-ocp-backend-clowdapp-2026-08-20-2d24259.yaml"
KRUIZE = "ros/kruize-clowdapp-2026-08-20-2d24259.yaml"
INGRESS = "wild/RedHatInsights__insights-ingress-go__deploy_clowdapp.yaml"
SOURCES = "wild/RedHatInsights__sources-api-go__deploy_clowdapp.yaml"
FIVE = (KOKU, ROS, KRUIZE, INGRESS, SOURCES)
THREE = (KOKU, ROS, KRUIZE)
CHARTS = {
    "0cc9aa7d": "chart/cost-onprem-2026-01-12-0cc9aa7d.yaml",
    "98b90458": "chart/cost-onprem-2026-02-11-98b90458.yaml",
    "3346ee67": "chart/cost-onprem-2026-02-11-3346ee67.yaml",
    "7cc5007a": "chart/cost-onprem-2026-02-12-7cc5007a.yaml",
}
