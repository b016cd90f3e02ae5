"""Org limits: ``GET /services/data/vXX.X/limits``.

``DailyApiRequests`` reflects the requests this org has counted; the other limits are static.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from . import DATA, Context, Routes

routes = Routes("limits")

_STATIC: dict[str, int] = {
    "AnalyticsExternalDataSizeMB": 40960,
    "ConcurrentAsyncGetReportInstances": 200,
    "ConcurrentEinsteinDataInsightsStoryCreation": 5,
    "ConcurrentEinsteinDiscoveryStoryCreation": 2,
    "ConcurrentSyncReportRuns": 20,
    "DailyAnalyticsDataflowJobExecutions": 60,
    "DailyAnalyticsUploadedFilesSizeMB": 51200,
    "DailyAsyncApexExecutions": 250000,
    "DailyAsyncApexTests": 500,
    "DailyBulkApiBatches": 15000,
    "DailyBulkV2QueryFileStorageMB": 976562,
    "DailyBulkV2QueryJobs": 10000,
    "DailyDurableGenericStreamingApiEvents": 10000,
    "DailyDurableStreamingApiEvents": 10000,
    "DailyEinsteinDataInsightsStoryCreation": 1000,
    "DailyEinsteinDiscoveryPredictAPICalls": 50000,
    "DailyEinsteinDiscoveryPredictionsByCDC": 500000,
    "DailyEinsteinDiscoveryStoryCreation": 100,
    "DailyFunctionsApiCallLimit": 235000,
    "DailyGenericStreamingApiEvents": 10000,
    "DailyScratchOrgs": 6,
    "DailyStandardVolumePlatformEvents": 10000,
    "DailyStreamingApiEvents": 10000,
    "DailyWorkflowEmails": 390,
    "DataStorageMB": 5,
    "DurableStreamingApiConcurrentClients": 20,
    "FileStorageMB": 20,
    "HourlyAsyncReportRuns": 1200,
    "HourlyDashboardRefreshes": 200,
    "HourlyDashboardResults": 5000,
    "HourlyDashboardStatuses": 999999999,
    "HourlyLongTermIdMapping": 100000,
    "HourlyManagedContentPublicRequests": 50000,
    "HourlyODataCallout": 10000,
    "HourlyPublishedPlatformEvents": 50000,
    "HourlyPublishedStandardVolumePlatformEvents": 1000,
    "HourlyShortTermIdMapping": 100000,
    "HourlySyncReportRuns": 500,
    "HourlyTimeBasedWorkflow": 50,
    "MassEmail": 10,
    "MonthlyPlatformEventsUsageEntitlement": 0,
    "Package2VersionCreates": 6,
    "Package2VersionCreatesWithoutValidation": 500,
    "PermissionSets": 1500,
    "PrivateConnectOutboundCalloutHourlyLimitMB": 0,
    "SingleEmail": 15,
    "StreamingApiConcurrentClients": 20,
}


@routes.route(DATA + "/limits")
def limits(ctx: Context) -> Response:
    """GET /services/data/vXX.X/limits"""
    org = ctx.org
    body: dict[str, Any] = {}
    for name, maximum in _STATIC.items():
        body[name] = {"Max": maximum, "Remaining": maximum}
    body["DailyApiRequests"] = {
        "Max": org.api_limit,
        "Remaining": max(0, org.api_limit - org.api_used),
    }
    return ctx.json(dict(sorted(body.items())))
