FROM 127.0.0.1:5000/racetrack-base/python:3.11
LABEL racetrack-component="job"
WORKDIR /src/job
COPY .jobtype/wrapper.py /src/wrapper.py
COPY . /src/job
RUN rm -rf /src/job/.jobtype /src/job/.jobtype-*.Dockerfile
{{#env_vars}}
ENV {{name}}="{{value}}"
{{/env_vars}}
ENV JOB_SCRIPT="{{manifest_jobtype_extra.script}}" GIT_VERSION="{{git_version}}" DEPLOYED_BY_RACETRACK_VERSION="{{deployed_by_racetrack_version}}" JOB_TYPE_VERSION="{{job_type_version}}"
CMD ["python3", "/src/wrapper.py"]
