# The user guide's Python client for the REST API ("API Integration"), as the guide prints it, then a driver that
# follows the guide's usage: python3 guide_trainer_client.py BASE_URL ARCHIVE
import requests

class TrainerClient:
    def __init__(self, base_url="http://localhost:8000/api/v1"):
        self.base_url = base_url
    
    def create_job(self, name, dataset_id, training_type="qlora", **kwargs):
        response = requests.post(
            f"{self.base_url}/jobs/",
            json={
                "name": name,
                "dataset_id": dataset_id,
                "training_type": training_type,
                **kwargs
            }
        )
        return response.json()
    
    def get_status(self, job_id):
        response = requests.get(f"{self.base_url}/jobs/{job_id}/status")
        return response.json()
    
    def download_model(self, job_id, output_path):
        response = requests.get(
            f"{self.base_url}/jobs/{job_id}/download",
            stream=True
        )
        with open(output_path, 'wb') as f:
            for chunk in response.iter_content(chunk_size=8192):
                f.write(chunk)

# Usage
import json, sys, time
client = TrainerClient(sys.argv[1])
job = client.create_job("My Job", dataset_id=1, epochs=3)
print(f"Job created: {job['id']}")
while client.get_status(job['id'])['state'] in ('queued', 'running'):
    time.sleep(0.5)
print(json.dumps(client.get_status(job['id'])))
client.download_model(job['id'], sys.argv[2])
